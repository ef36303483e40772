"""Ready-made surveys, one for each kind, in French and English.

Each template is a list of `QuestionSpec` with stable codes (`nps`, `enps`, `csat`, `ces`,
`comment`, `reason`...), so that results by code compare across surveys and versions. The
wordings follow the market's standards (the NPS question as Bain's, CES 1–5 as CEB's first
version, CES 1–7 as its agreement version), written in French as a French CX or HR team would
write them, French first.

`survey_create_from_template` makes a draft survey from one; the designer then edits it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from symetrie.core.audience import Audience
from symetrie.listening import services
from symetrie.listening.models import (
    KIND_AUDIENCES,
    Cadence,
    QuestionKind,
    Survey,
    SurveyKind,
)
from symetrie.listening.services import QuestionSpec

# The CES versions: 1–5, lower is better (the effort asked of the customer); 1–7, higher is
# better (agreement with "the company made it easy").
CES_SCALES = (5, 7)


@dataclass(frozen=True)
class SurveyTemplate:
    """A ready-made survey: what `survey_create` needs but its external id."""

    kind: str
    audience: str
    title: Mapping[str, str]
    intro: Mapping[str, str]
    questions: tuple[QuestionSpec, ...]
    cadence: str = Cadence.NONE


def _names(company: str | None) -> dict[str, str]:
    # "notre entreprise" reads naturally in every sentence below when no name is given.
    return {"fr": company or "notre entreprise", "en": company or "our company"}


def _choice(code: str, fr: str, en: str) -> dict[str, Any]:
    return {"code": code, "label": {"fr": fr, "en": en}}


def _comment(fr: str, en: str) -> QuestionSpec:
    return QuestionSpec("comment", QuestionKind.TEXT, {"fr": fr, "en": en})


def _agree(code: str, fr: str, en: str) -> QuestionSpec:
    """A Likert agreement statement, 1 (strongly disagree) to 5 (strongly agree)."""
    return QuestionSpec(code, QuestionKind.SCALE_5, {"fr": fr, "en": en}, required=True)


def _nps(names: Mapping[str, str], *, after_contact: bool = False) -> QuestionSpec:
    if after_contact:
        text = {
            "fr": f"Suite à votre récent échange avec nous, quelle est la probabilité que vous "
            f"recommandiez {names['fr']} à un proche ?",
            "en": f"Following your recent contact with us, how likely are you to recommend "
            f"{names['en']} to a friend or relative?",
        }
    else:
        text = {
            "fr": f"Quelle est la probabilité que vous recommandiez {names['fr']} à un proche ?",
            "en": f"How likely are you to recommend {names['en']} to a friend or relative?",
        }
    return QuestionSpec("nps", QuestionKind.NPS, text, required=True)


def _enps(names: Mapping[str, str]) -> QuestionSpec:
    return QuestionSpec(
        "enps",
        QuestionKind.NPS,
        {
            "fr": f"Quelle est la probabilité que vous recommandiez {names['fr']} comme "
            f"employeur à un proche ?",
            "en": f"How likely are you to recommend {names['en']} as a place to work to a "
            f"friend or relative?",
        },
        required=True,
    )


REASON_FOR_SCORE = (
    "Quelle est la principale raison de votre note ?",
    "What is the main reason for your score?",
)

CUSTOMER_INTRO = {
    "fr": "Deux minutes suffisent. Vos réponses nous aident à mieux vous servir.",
    "en": "It only takes two minutes. Your answers help us serve you better.",
}
EMPLOYEE_INTRO = {
    "fr": "Vos réponses sont anonymes : elles ne sont jamais présentées individuellement, et "
    "aucun résultat n'est affiché pour un trop petit groupe.",
    "en": "Your answers are anonymous: they are never shown individually, and no result is "
    "shown for a group that is too small.",
}
LIKERT_INTRO = {
    "fr": " Pour chaque affirmation, indiquez votre degré d'accord, de 1 (pas du tout d'accord) "
    "à 5 (tout à fait d'accord).",
    "en": " For each statement, say how much you agree, from 1 (strongly disagree) to 5 "
    "(strongly agree).",
}


def _with_likert(intro: Mapping[str, str]) -> dict[str, str]:
    return {language: intro[language] + LIKERT_INTRO[language] for language in intro}


def _relationship_nps(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.RELATIONSHIP_NPS,
        audience=Audience.CUSTOMER,
        title={"fr": "Votre avis sur notre relation", "en": "Your view of our relationship"},
        intro=CUSTOMER_INTRO,
        questions=(
            _nps(names),
            _comment(*REASON_FOR_SCORE),
            QuestionSpec(
                "improve",
                QuestionKind.TEXT,
                {
                    "fr": "Que pourrions-nous faire pour mieux vous servir ?",
                    "en": "What could we do to serve you better?",
                },
            ),
        ),
        cadence=Cadence.QUARTERLY,
    )


def _transactional_nps(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.TRANSACTIONAL_NPS,
        audience=Audience.CUSTOMER,
        title={
            "fr": "Votre avis sur votre récent échange",
            "en": "Your view of your recent contact",
        },
        intro=CUSTOMER_INTRO,
        questions=(
            _nps(names, after_contact=True),
            QuestionSpec(
                "resolved",
                QuestionKind.SINGLE,
                {
                    "fr": "Votre demande a-t-elle été traitée ?",
                    "en": "Was your request dealt with?",
                },
                choices=(
                    _choice("yes", "Oui, entièrement", "Yes, fully"),
                    _choice("partly", "En partie", "Partly"),
                    _choice("no", "Non", "No"),
                ),
            ),
            _comment(*REASON_FOR_SCORE),
        ),
    )


def _csat(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.CSAT,
        audience=Audience.CUSTOMER,
        title={"fr": "Votre satisfaction", "en": "Your satisfaction"},
        intro=CUSTOMER_INTRO,
        questions=(
            QuestionSpec(
                "csat",
                QuestionKind.SCALE_5,
                {
                    "fr": "Dans l'ensemble, quel est votre niveau de satisfaction concernant "
                    "votre récent échange avec nous ? (1 = pas du tout satisfait, "
                    "5 = très satisfait)",
                    "en": "Overall, how satisfied are you with your recent contact with us? "
                    "(1 = very dissatisfied, 5 = very satisfied)",
                },
                required=True,
            ),
            _comment(
                "Qu'est-ce qui aurait rendu votre expérience encore meilleure ?",
                "What would have made your experience even better?",
            ),
        ),
    )


def _ces(names: Mapping[str, str], scale: int) -> SurveyTemplate:
    if scale == 5:
        question = QuestionSpec(
            "ces",
            QuestionKind.CES_5,
            {
                "fr": "Quel effort avez-vous dû fournir personnellement pour que votre demande "
                "soit traitée ? (1 = très peu d'effort, 5 = énormément d'effort)",
                "en": "How much effort did you personally have to put forth to handle your "
                "request? (1 = very low effort, 5 = very high effort)",
            },
            required=True,
        )
    else:
        question = QuestionSpec(
            "ces",
            QuestionKind.CES_7,
            {
                "fr": f"Dans quelle mesure êtes-vous d'accord avec l'affirmation suivante : "
                f"« {names['fr'][0].upper() + names['fr'][1:]} m'a permis de régler "
                f"facilement ma demande. » (1 = pas du tout d'accord, 7 = tout à fait d'accord)",
                "en": f"How much do you agree with the following statement: “"
                f"{names['en'][0].upper() + names['en'][1:]} made it easy for me to handle my "
                f"request.” (1 = strongly disagree, 7 = strongly agree)",
            },
            required=True,
        )
    return SurveyTemplate(
        kind=SurveyKind.CES,
        audience=Audience.CUSTOMER,
        title={"fr": "La simplicité de vos démarches", "en": "How easy it was for you"},
        intro=CUSTOMER_INTRO,
        questions=(
            question,
            _comment(
                "Qu'aurions-nous pu vous simplifier ?", "What could we have made simpler for you?"
            ),
        ),
    )


def _enps_survey(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.ENPS,
        audience=Audience.EMPLOYEE,
        title={"fr": "Baromètre collaborateurs (eNPS)", "en": "Employee barometer (eNPS)"},
        intro=EMPLOYEE_INTRO,
        questions=(_enps(names), _comment(*REASON_FOR_SCORE)),
        cadence=Cadence.QUARTERLY,
    )


def _pulse(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.PULSE,
        audience=Audience.EMPLOYEE,
        title={"fr": "Enquête pulse", "en": "Pulse survey"},
        intro=_with_likert(EMPLOYEE_INTRO),
        questions=(
            _agree(
                "workload", "Ma charge de travail est raisonnable.", "My workload is manageable."
            ),
            _agree(
                "tools",
                "Je dispose des outils et des moyens nécessaires pour bien servir nos clients.",
                "I have the tools and resources I need to serve our customers well.",
            ),
            _agree(
                "latitude",
                "J'ai la latitude nécessaire pour prendre des décisions au service de nos clients.",
                "I have the latitude I need to make decisions in our customers' interest.",
            ),
            _agree(
                "manager",
                "Mon manager m'apporte le soutien dont j'ai besoin.",
                "My manager gives me the support I need.",
            ),
            _agree(
                "recognition",
                "Mon travail est reconnu à sa juste valeur.",
                "My work is recognised for what it is worth.",
            ),
            _agree(
                "meaning",
                "Je comprends comment mon travail contribue aux priorités de l'entreprise.",
                "I understand how my work contributes to the company's priorities.",
            ),
            _enps(names),
            _comment(
                "Si vous pouviez changer une seule chose dans votre quotidien de travail, "
                "laquelle serait-ce ?",
                "If you could change one thing in your day-to-day work, what would it be?",
            ),
        ),
        cadence=Cadence.MONTHLY,
    )


def _onboarding(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.ONBOARDING,
        audience=Audience.EMPLOYEE,
        title={"fr": "Vos premières semaines parmi nous", "en": "Your first weeks with us"},
        intro=_with_likert(EMPLOYEE_INTRO),
        questions=(
            _agree(
                "welcome",
                "L'accueil à mon arrivée a été à la hauteur de mes attentes.",
                "The welcome I received when I joined met my expectations.",
            ),
            _agree(
                "tools_ready",
                "Mes accès et mes outils étaient prêts dès mon premier jour.",
                "My accounts and tools were ready on my first day.",
            ),
            _agree(
                "role_clarity",
                "Je sais clairement ce que l'on attend de moi dans mon poste.",
                "I know clearly what is expected of me in my role.",
            ),
            _agree(
                "training",
                "La formation reçue me permet de traiter en autonomie la plupart des demandes "
                "de nos clients.",
                "The training I received lets me handle most of our customers' requests on my own.",
            ),
            _agree(
                "support",
                "Je sais vers qui me tourner quand j'ai une question.",
                "I know who to turn to when I have a question.",
            ),
            _enps(names),
            _comment(
                "Qu'est-ce qui aurait facilité vos premières semaines ?",
                "What would have made your first weeks easier?",
            ),
        ),
    )


EXIT_REASONS = (
    _choice("pay", "Rémunération", "Pay"),
    _choice("career", "Perspectives d'évolution", "Career prospects"),
    _choice("manager", "Relation avec mon manager", "Relationship with my manager"),
    _choice("workload", "Charge de travail", "Workload"),
    _choice("balance", "Équilibre vie professionnelle et vie personnelle", "Work-life balance"),
    _choice("recognition", "Manque de reconnaissance", "Lack of recognition"),
    _choice("tools", "Outils et processus internes", "Internal tools and processes"),
    _choice("personal", "Déménagement ou raison personnelle", "Relocation or personal reasons"),
    _choice("other", "Autre raison", "Another reason"),
)  # fmt: skip


def _exit(names: Mapping[str, str]) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.EXIT,
        audience=Audience.EMPLOYEE,
        title={"fr": "Questionnaire de départ", "en": "Exit survey"},
        intro=EMPLOYEE_INTRO,
        questions=(
            QuestionSpec(
                "reason",
                QuestionKind.MULTIPLE,
                {
                    "fr": "Quelles sont les principales raisons de votre départ ? (plusieurs "
                    "réponses possibles)",
                    "en": "What are the main reasons for your departure? (choose all that apply)",
                },
                choices=EXIT_REASONS,
                required=True,
            ),
            _enps(names),
            QuestionSpec(
                "come_back",
                QuestionKind.SINGLE,
                {
                    "fr": "Envisageriez-vous de travailler à nouveau avec nous ?",
                    "en": "Would you consider working with us again?",
                },
                choices=(
                    _choice("yes", "Oui", "Yes"),
                    _choice("maybe", "Peut-être", "Maybe"),
                    _choice("no", "Non", "No"),
                ),
            ),
            _comment(
                "Qu'aurions-nous pu faire pour vous donner envie de rester ?",
                "What could we have done to make you want to stay?",
            ),
        ),
    )


def _custom(audience: str) -> SurveyTemplate:
    return SurveyTemplate(
        kind=SurveyKind.CUSTOM,
        audience=audience,
        title={"fr": "Nouvelle enquête", "en": "New survey"},
        intro=CUSTOMER_INTRO if audience == Audience.CUSTOMER else EMPLOYEE_INTRO,
        questions=(),
    )


# A custom survey starts empty, but a survey needs a question: this one, until edited.
CUSTOM_FIRST_QUESTION = _comment("Votre commentaire", "Your comment")


def template_for(
    kind: str, *, audience: str | None = None, ces_scale: int = 5, company: str | None = None
) -> SurveyTemplate:
    """The ready-made survey of `kind` (for a custom one, of `audience`). `company` names the
    company in the wordings ("notre entreprise" / "our company" without it)."""
    if kind not in KIND_AUDIENCES:
        raise ValidationError({"kind": _("Unknown kind of survey.")})
    audiences = KIND_AUDIENCES[kind]
    if audience is None:
        audience = next(iter(audiences)) if len(audiences) == 1 else Audience.CUSTOMER
    if audience not in audiences:
        raise ValidationError({"kind": _("This kind of survey is not for this audience.")})
    if ces_scale not in CES_SCALES:
        raise ValidationError({"ces_scale": _("The CES scale is 1–5 or 1–7.")})
    names = _names(company)
    if kind == SurveyKind.CES:
        return _ces(names, ces_scale)
    if kind == SurveyKind.CUSTOM:
        return _custom(audience)
    builders: dict[str, Callable[[Mapping[str, str]], SurveyTemplate]] = {
        SurveyKind.RELATIONSHIP_NPS: _relationship_nps,
        SurveyKind.TRANSACTIONAL_NPS: _transactional_nps,
        SurveyKind.CSAT: _csat,
        SurveyKind.ENPS: _enps_survey,
        SurveyKind.PULSE: _pulse,
        SurveyKind.ONBOARDING: _onboarding,
        SurveyKind.EXIT: _exit,
    }
    return builders[kind](names)


def survey_create_from_template(
    *,
    kind: str,
    audience: str,
    external_id: str,
    title: Mapping[str, str] | None = None,
    ces_scale: int = 5,
    company: str | None = None,
    languages: Sequence[str] = services.LANGUAGES,
    questions: Sequence[QuestionSpec] | None = None,
    **options: Any,
) -> Survey:
    """A draft survey made from the template of `kind`; `title` replaces the template's (per
    language, what is given), `options` go to `services.survey_create` (cadence, thresholds,
    confidentiality...)."""
    template = template_for(kind, audience=audience, ces_scale=ces_scale, company=company)
    chosen = list(questions) if questions is not None else list(template.questions)
    if not chosen:
        chosen = [CUSTOM_FIRST_QUESTION]
    merged_title = {**template.title, **{k: v for k, v in (title or {}).items() if v}}
    options.setdefault("cadence", template.cadence)
    return services.survey_create(
        external_id=external_id,
        audience=audience,
        kind=kind,
        title={
            language: merged_title[language] for language in languages if language in merged_title
        },
        intro={
            language: template.intro[language]
            for language in languages
            if language in template.intro
        },
        questions=chosen,
        languages=languages,
        **options,
    )
