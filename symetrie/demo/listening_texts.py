"""What the demo's surveys ask, and what customers and employees answer in their comments.

Comments are composed from parts (an opening, one or two themes, a closing), each with a few
wordings and numbers drawn by the generator, so that thousands of them rarely repeat word for
word. French first; the English parts are for English-speaking customers and the few
employees who write in English. The lists are ordered: the generator draws from them with a
seeded generator, so reordering an entry changes the demo generated for a given seed. The
texts hold no tab, newline or backslash, so they go into COPY as they are.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

# ---------------------------------------------------------------- the surveys
# The questions are the product's ready-made ones (`listening.survey_templates`); the demo names
# its surveys.


@dataclass(frozen=True)
class SurveyText:
    external_id: str
    title: tuple[str, str]  # (French, English)


REL_NPS = SurveyText(
    "DEMO-NPS-RELATION",
    ("Votre avis sur Banque Hexagone", "Your opinion of Banque Hexagone"),
)
TX_CASE = SurveyText(
    "DEMO-NPS-DEMANDE",
    ("Votre demande vient d'être traitée", "Your request has just been handled"),
)
TX_BRANCH = SurveyText(
    "DEMO-NPS-AGENCE",
    ("Votre passage en agence", "Your visit to the branch"),
)
PULSE = SurveyText(
    "DEMO-PULSE",
    ("Le pouls du mois", "The monthly pulse"),
)
ONBOARDING = SurveyText(
    "DEMO-ONBOARDING",
    ("Vos premières semaines", "Your first weeks"),
)  # fmt: skip
EXIT = SurveyText(
    "DEMO-EXIT",
    ("Avant votre départ", "Before you leave"),
)  # fmt: skip


# ---------------------------------------------------------------- comments, by theme


@dataclass(frozen=True)
class Theme:
    """What a comment is about, with its wordings in French and English."""

    code: str
    tone: int  # -1 a complaint, +1 praise
    fr: tuple[str, ...]
    en: tuple[str, ...]


CUSTOMER_THEMES: tuple[Theme, ...] = (
    Theme(
        "fees",
        -1,
        (
            "{amount} € de frais prélevés sans prévenir, pour un découvert de deux jours.",
            "Les frais de tenue de compte augmentent encore, sans aucune explication.",
            "On m'a facturé {amount} € de commissions d'intervention ce mois-ci, c'est abusif.",
            "Trop de frais cachés : carte, tenue de compte, virements à l'étranger.",
            "J'ai dû réclamer {count} fois pour être remboursé de frais injustifiés.",
            "Les frais sont bien plus élevés que dans les banques en ligne.",
        ),
        (
            "{amount} € in fees taken without warning, for a two-day overdraft.",
            "Account fees keep going up, with no explanation.",
            "Too many hidden charges: card, account keeping, transfers abroad.",
            "I had to complain {count} times to get unfair fees refunded.",
        ),
    ),
    Theme(
        "waiting",
        -1,
        (
            "{minutes} minutes d'attente en agence pour un simple dépôt de chèque.",
            "Toujours autant d'attente au guichet le samedi matin.",
            "Il a fallu {days} jours pour obtenir un rendez-vous avec mon conseiller.",
            "Rendez-vous annulé au dernier moment, et personne pour me recevoir.",
            "J'ai attendu {minutes} minutes debout, avec un seul guichet ouvert.",
        ),
        (
            "{minutes} minutes waiting at the branch just to pay in a cheque.",
            "It took {days} days to get an appointment with my adviser.",
            "Appointment cancelled at the last minute and nobody to see me.",
        ),
    ),
    Theme(
        "phone",
        -1,
        (
            "Impossible de joindre l'agence par téléphone : {count} appels sans réponse.",
            "Le standard renvoie vers une messagerie pleine.",
            "On m'a promis de me rappeler, j'attends toujours depuis {days} jours.",
            "Quand on appelle, on tombe sur une plateforme qui ne connaît pas mon dossier.",
        ),
        (
            "No way to reach the branch by phone: {count} calls, no answer.",
            "They promised to call me back; still waiting after {days} days.",
            "When you call, you get a call centre that knows nothing about your file.",
        ),
    ),
    Theme(
        "advisor_change",
        -1,
        (
            "Troisième conseiller en {count} ans, il faut tout réexpliquer à chaque fois.",
            "Mon conseiller est parti sans que personne ne me prévienne.",
            "Je ne sais même plus qui est mon conseiller.",
            "Chaque nouveau conseiller me repose les mêmes questions.",
        ),
        (
            "My third adviser in {count} years: I have to explain everything again each time.",
            "My adviser left and nobody told me.",
            "I no longer even know who my adviser is.",
        ),
    ),
    Theme(
        "app",
        -1,
        (
            "L'appli plante à chaque mise à jour, impossible de faire un virement.",
            "Le code de validation n'arrive pas sur mon nouveau téléphone.",
            "L'application est lente et se déconnecte toute seule.",
            "Impossible d'ajouter un bénéficiaire depuis l'appli depuis {weeks} semaines.",
            "L'appli a été en panne tout un week-end, sans aucune information.",
        ),
        (
            "The app crashes after every update; I cannot make a transfer.",
            "The validation code never reaches my new phone.",
            "The app is slow and logs me out by itself.",
            "I have not been able to add a payee in the app for {weeks} weeks.",
        ),
    ),
    Theme(
        "no_follow_up",
        -1,
        (
            "Ma réclamation date de {weeks} semaines et je n'ai toujours aucune réponse.",
            "On me dit que c'est transmis, puis plus rien.",
            "J'ai envoyé {count} fois les mêmes justificatifs.",
            "Personne ne suit mon dossier, je dois relancer moi-même.",
        ),
        (
            "My complaint is {weeks} weeks old and I still have no answer.",
            "They say it has been passed on, then nothing.",
            "I have sent the same documents {count} times.",
        ),
    ),
    Theme(
        "loan_slow",
        -1,
        (
            "Mon dossier de prêt immobilier a mis {weeks} semaines à être étudié, "
            "j'ai failli perdre la maison.",
            "Offre de prêt reçue la veille de la signature, quel stress.",
            "Refus de prêt travaux sans explication après {weeks} semaines d'attente.",
        ),
        (
            "My mortgage application took {weeks} weeks to be looked at; I nearly lost the house.",
            "Loan offer received the day before signing: so stressful.",
        ),
    ),
    Theme(
        "card",
        -1,
        (
            "Carte bloquée à l'étranger, et personne de joignable pour la débloquer.",
            "Nouvelle carte reçue au bout de {days} jours, sans moyen de payer entre-temps.",
            "Paiement refusé en caisse alors que mon compte était approvisionné.",
        ),
        (
            "Card blocked abroad and nobody to call to unblock it.",
            "New card received after {days} days, with no way to pay in the meantime.",
        ),
    ),
    Theme(
        "kind_advisor",
        1,
        (
            "Ma conseillère est à l'écoute et toujours de bon conseil.",
            "Accueil très chaleureux, on se sent attendu.",
            "Un conseiller disponible, qui connaît bien ma situation.",
            "Gentillesse et patience de l'équipe, même quand j'arrive sans rendez-vous.",
            "Mon conseiller m'a rappelé le jour même, c'est rare.",
            "Très bon contact avec l'agence depuis {years} ans.",
        ),
        (
            "My adviser listens and always gives good advice.",
            "A very warm welcome; you feel expected.",
            "An adviser who is available and knows my situation well.",
            "My adviser called me back the same day, which is rare.",
        ),
    ),
    Theme(
        "mortgage_fast",
        1,
        (
            "Prêt immobilier bouclé en {weeks} semaines, avec un très bon taux.",
            "Dossier de prêt traité rapidement, tout était clair.",
            "Mon conseiller s'est battu pour obtenir mon prêt, merci à lui.",
            "Accord de principe en {days} jours pour notre premier achat.",
        ),
        (
            "Mortgage wrapped up in {weeks} weeks, at a very good rate.",
            "Loan application handled quickly; everything was clear.",
            "Agreement in principle in {days} days for our first home.",
        ),
    ),
    Theme(
        "fast_fix",
        1,
        (
            "Problème réglé en {minutes} minutes, sans avoir à relancer.",
            "Réactivité parfaite après la fraude sur ma carte : remboursé en {days} jours.",
            "Ma demande a été traitée le jour même.",
            "Frais remboursés sans discuter, merci.",
        ),
        (
            "Problem fixed in {minutes} minutes, with no chasing.",
            "Spot-on response after the fraud on my card: refunded in {days} days.",
            "My request was handled the same day.",
        ),
    ),
    Theme(
        "app_good",
        1,
        (
            "L'appli est pratique, je fais presque tout depuis mon téléphone.",
            "Virements instantanés et appli claire, rien à redire.",
            "La nouvelle version de l'application est beaucoup plus simple.",
        ),
        (
            "The app is handy; I do nearly everything from my phone.",
            "Instant transfers and a clear app: nothing to complain about.",
        ),
    ),
    Theme(
        "advice",
        1,
        (
            "De bons conseils pour mon épargne, sans pression pour vendre.",
            "On m'a proposé une solution adaptée quand j'ai perdu mon emploi.",
            "Explications claires sur l'assurance vie, j'ai enfin compris.",
        ),
        (
            "Good advice on my savings, with no sales pressure.",
            "They found the right solution when I lost my job.",
        ),
    ),
)

EMPLOYEE_THEMES: tuple[Theme, ...] = (
    Theme(
        "understaffing",
        -1,
        (
            "On est {count} au lieu de {count_plus} depuis des mois, on ne tient plus le rythme.",
            "Les absences ne sont jamais remplacées, l'accueil est débordé.",
            "Trop de clients par conseiller pour faire du bon travail.",
            "Les congés d'été sans renfort, c'est chaque année la même chose.",
            "{count} départs non remplacés dans l'équipe cette année.",
            "Le samedi, on se retrouve à {count} pour toute l'agence.",
        ),
        (
            "We are {count} instead of {count_plus} for months; we cannot keep up.",
            "Absences are never covered and the front desk is swamped.",
        ),
    ),
    Theme(
        "tools",
        -1,
        (
            "{process} : on perd un temps fou, devant le client.",
            "{process}, c'est notre irritant numéro un, et rien ne bouge.",
            "Il faudrait enfin régler ce point : {process_lower}.",
            "Dix minutes derrière l'écran pour ce que le client fait en cinq secondes "
            "dans l'appli.",
            "Trois outils différents pour une seule demande client.",
            "{process} : en panne {count} fois cette semaine.",
            "Signalé il y a {weeks} semaines ({process_lower}), toujours pas corrigé.",
        ),
        (
            "{process}: we waste so much time in front of the customer.",
            "Ten minutes behind the screen for what the customer does in five seconds in the app.",
        ),
    ),
    Theme(
        "sales_pressure",
        -1,
        (
            "La pression sur les objectifs commerciaux prend le pas sur le conseil.",
            "Des challenges commerciaux chaque semaine, on ne sait plus ce qui compte.",
            "On nous demande de placer des produits que les clients n'ont pas demandés.",
            "{count} réunions sur les objectifs cette semaine, zéro sur la qualité du service.",
        ),
        (
            "Pressure on sales targets is crowding out real advice.",
            "A sales challenge every week; we no longer know what matters.",
        ),
    ),
    Theme(
        "latitude",
        -1,
        (
            "Il faut remonter au directeur pour un geste de {amount} €, le client attend.",
            "Trop de validations pour des décisions simples.",
            "J'ai attendu {days} jours une validation pour un geste de {amount} €.",
            "On n'a pas la main sur les frais, même quand c'est clairement "
            "une erreur de la banque.",
        ),
        (
            "We have to go up to the director for a {amount} € gesture; the customer waits.",
            "Too many sign-offs for simple decisions.",
        ),
    ),
    Theme(
        "recognition",
        -1,
        (
            "Peu de reconnaissance pour le travail bien fait.",
            "On ne parle que de ce qui ne va pas, jamais de ce qui marche.",
            "Le salaire n'a pas bougé depuis {count} ans.",
            "Prime supprimée cette année alors que l'agence a fait ses objectifs.",
        ),
        (
            "Little recognition for a job well done.",
            "Pay has not moved in {count} years.",
        ),
    ),
    Theme(
        "training",
        -1,
        (
            "Les nouveaux arrivent sans formation et apprennent sur le tas.",
            "Aucune formation sur le crédit immobilier depuis {count} ans.",
            "Les procédures changent tout le temps et on l'apprend par les clients.",
            "Formation reportée {count} fois, faute de remplaçant.",
        ),
        (
            "New people arrive untrained and learn on the job.",
            "Procedures change all the time and we hear it from customers.",
        ),
    ),
    Theme(
        "team",
        1,
        (
            "Une équipe soudée, on s'entraide vraiment.",
            "Bonne ambiance à l'agence, c'est ce qui me fait rester.",
            "Des collègues formidables, toujours prêts à dépanner.",
            "L'arrivée de {count} nouveaux collègues a fait du bien à l'équipe.",
            "On a fêté les {years} ans de maison d'une collègue, belle ambiance.",
        ),
        (
            "A close-knit team; we really help each other.",
            "Great colleagues, always ready to help.",
        ),
    ),
    Theme(
        "manager",
        1,
        (
            "Un manager à l'écoute, qui nous fait confiance.",
            "Ma responsable nous soutient face aux clients difficiles.",
            "Des points d'équipe utiles, enfin.",
            "Mon directeur a pris {count} clients difficiles pour soulager l'équipe.",
        ),
        (
            "A manager who listens and trusts us.",
            "My manager backs us up with difficult customers.",
        ),
    ),
    Theme(
        "flexibility",
        1,
        (
            "Le télétravail un jour par semaine change la vie.",
            "Des horaires arrangés quand j'en ai eu besoin.",
            "Le nouveau planning du samedi est bien plus juste.",
            "Un samedi sur {count} seulement, c'est enfin vivable.",
        ),
        (
            "Working from home one day a week is a game changer.",
            "Flexible hours when I needed them.",
        ),
    ),
    Theme(
        "meaning",
        1,
        (
            "J'aime mon métier, les clients nous remercient souvent.",
            "Aider un client à acheter sa maison, ça reste une vraie fierté.",
            "On a enfin le temps de bien faire sur les dossiers importants.",
            "{count} clients m'ont remercié ce mois-ci, ça motive.",
        ),
        (
            "I love my job; customers often thank us.",
            "Helping a customer buy their home is still something to be proud of.",
        ),
    ),
)

# Openings and closings, by tone: -1 after a low score, 0 in the middle, +1 after a high one.
CUSTOMER_OPENINGS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    -1: (
        ("Très déçu.", "Client depuis {years} ans, et jamais été aussi mal servi.",
         "Deuxième fois cette année.", "Franchement décevant.", "Je suis en colère.",
         "Rien ne va depuis le changement d'agence.", "Service en baisse."),
        ("Very disappointed.", "A customer for {years} years and never so badly served.",
         "Second time this year."),
    ),
    0: (
        ("Dans l'ensemble correct.", "Pas mal, mais peut mieux faire.", "Ça dépend des fois.",
         "Service correct, sans plus.", "Plutôt satisfait."),
        ("Fine overall.", "Not bad, could do better.", "It depends on the day."),
    ),
    1: (
        ("Très satisfait !", "Rien à redire.", "Client depuis {years} ans et toujours content.",
         "Top.", "Excellent service.", "Une vraie banque de proximité."),
        ("Very happy!", "Nothing to complain about.", "Excellent service."),
    ),
}  # fmt: skip
CUSTOMER_CLOSINGS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    -1: (
        ("Je réfléchis sérieusement à changer de banque.", "À améliorer d'urgence.",
         "Dommage, l'agence était très bien avant.", "Je ne recommande pas.",
         "J'attends un geste.", "Ma banque en ligne fait mieux pour moins cher."),
        ("I am seriously thinking of moving banks.", "Needs fixing, fast.",
         "I would not recommend it."),
    ),
    0: (
        ("Peut mieux faire.", "Mais je reste.", "À suivre.", "Sinon ça va."),
        ("Could do better.", "But I am staying.", "Otherwise fine."),
    ),
    1: (
        ("Merci à toute l'équipe !", "Continuez comme ça.", "Je recommande.",
         "Merci encore.", "Bravo."),
        ("Thanks to the whole team!", "Keep it up.", "I recommend it."),
    ),
}  # fmt: skip
EMPLOYEE_OPENINGS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    -1: (
        ("Honnêtement, c'est de plus en plus dur.", "Ras-le-bol.", "Mois compliqué.",
         "Toujours les mêmes problèmes.", "On s'épuise."),
        ("Honestly, it is getting harder.", "Tough month."),
    ),
    0: (
        ("Ça va, sans plus.", "Mois correct.", "Des hauts et des bas.", "Globalement ça va."),
        ("Okay, no more.", "A decent month."),
    ),
    1: (
        ("Bon mois.", "Content d'être là.", "Ça va bien en ce moment.", "Rien à signaler."),
        ("Good month.", "Happy to be here."),
    ),
}  # fmt: skip
EMPLOYEE_CLOSINGS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    -1: (
        ("Il faut que ça change.", "On a besoin d'être écoutés.",
         "Je commence à regarder ailleurs.", "Merci de remonter."),
        ("Something has to change.", "We need to be heard."),
    ),
    0: (("À voir dans la durée.", "On verra le mois prochain."), ("We will see next month.",)),
    1: (("Merci.", "Pourvu que ça dure.", "Continuons."), ("Thanks.", "Long may it last.")),
}  # fmt: skip
# What customers would improve (the relationship survey's second open question).
IMPROVE = (
    ("Plus de conseillers le samedi matin.", "Répondre au téléphone, tout simplement.",
     "Baisser les frais de tenue de compte.", "Garder le même conseiller plus de deux ans.",
     "Une appli qui marche après chaque mise à jour.", "Des rendez-vous en visio le soir.",
     "Prévenir avant de prélever des frais.", "Rappeler quand on le promet.",
     "Des horaires d'ouverture plus larges.", "Un interlocuteur unique pour les réclamations.",
     "Rien, continuez ainsi.", "Traiter les prêts plus vite."),
    ("Answer the phone.", "Lower the fees.", "Keep the same adviser.",
     "An app that works after each update.", "Call back when you say you will."),
)  # fmt: skip
# Said before the main sentence.
CUSTOMER_WHEN = (
    ("La semaine dernière,", "Encore une fois,", "Cette fois-ci,", "Comme d'habitude,",
     "Pour être honnête,", "Sincèrement,", "Depuis quelque temps,", "Sur le fond,"),
    ("Last week,", "Once again,", "Honestly,", "As usual,"),
)  # fmt: skip
EMPLOYEE_WHEN = (
    ("Ce mois-ci,", "Depuis la rentrée,", "Encore cette semaine,", "Au quotidien,",
     "Honnêtement,", "Comme souvent,", "En ce moment,", "Depuis {count} mois,"),
    ("This month,", "Lately,", "As so often,", "Right now,"),
)  # fmt: skip
# Joining a second theme of the other tone: "..., mais ..." style sentences.
BUT_GOOD = (("Par contre,", "En revanche,", "Heureusement,", "Mais"), ("However,", "But"))
BUT_BAD = (("Par contre,", "En revanche,", "Seul bémol :", "Mais"), ("However,", "But"))
ALSO = (("En plus,", "Et puis", "Surtout,"), ("Also,", "And"))


@dataclass(frozen=True)
class Slots:
    """The numbers a wording may ask for, drawn for each comment."""

    process: str = "L'outil de simulation de crédit"


def _fill(text: str, rng: random.Random, slots: Slots) -> str:
    if "{" not in text:
        return text
    count = rng.randint(2, 5)
    return text.format(
        amount=rng.choice((8, 12, 16, 24, 32, 35, 45, 60, 64, 80, 95, 120)),
        minutes=rng.choice((10, 15, 20, 25, 30, 35, 40, 45, 50, 60)),
        days=rng.randint(2, 15),
        weeks=rng.randint(2, 9),
        years=rng.choice((3, 5, 8, 10, 12, 15, 20, 25, 30)),
        count=count,
        count_plus=count + rng.randint(1, 2),
        process=slots.process,
        process_lower=slots.process[:1].lower() + slots.process[1:],
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def compose(
    rng: random.Random,
    *,
    tone: int,
    english: bool,
    themes: Sequence[Theme],
    weights: Sequence[float],
    openings: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    closings: dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
    when: tuple[tuple[str, ...], tuple[str, ...]],
    slots: Slots,
) -> str:
    """One comment of the given tone (-1, 0, +1) from the themes, drawn by their weights
    (zero for a theme of the other tone, unless it is the second half of a mixed comment)."""
    lang = 1 if english else 0
    main_tone = tone if tone else rng.choice((-1, 1))
    picked = _theme(rng, themes, weights, main_tone)
    sentences = []
    if rng.random() < 0.55:
        sentences.append(_fill(rng.choice(openings[tone][lang]), rng, slots))
    main = _fill(rng.choice(_wordings(picked, english)), rng, slots)
    if rng.random() < 0.3:
        main = f"{_fill(rng.choice(when[lang]), rng, slots)} {_lower_first(main)}"
    sentences.append(main)
    second = tone == 0 or rng.random() < 0.4
    if second:
        other_tone = -main_tone if tone == 0 or rng.random() < 0.4 else main_tone
        other = _theme(rng, themes, weights, other_tone, not_this=picked)
        joiners = ALSO if other_tone == main_tone else BUT_GOOD if other_tone > 0 else BUT_BAD
        joiner = rng.choice(joiners[lang])
        text = _fill(rng.choice(_wordings(other, english)), rng, slots)
        sentences.append(f"{joiner} {_lower_first(text)}")
    if rng.random() < 0.45:
        sentences.append(_fill(rng.choice(closings[tone][lang]), rng, slots))
    comment = " ".join(sentences)
    # Typed on a phone: some write all in lower case and leave the last full stop out.
    if rng.random() < 0.12:
        comment = comment.lower().rstrip(".")
    return comment


def _wordings(theme: Theme, english: bool) -> tuple[str, ...]:
    return theme.en if english and theme.en else theme.fr


def _theme(
    rng: random.Random,
    themes: Sequence[Theme],
    weights: Sequence[float],
    tone: int,
    not_this: Theme | None = None,
) -> Theme:
    pool = [(t, w) for t, w in zip(themes, weights, strict=True) if t.tone == tone and
            t is not not_this and w > 0]  # fmt: skip
    return rng.choices([t for t, _w in pool], [w for _t, w in pool])[0]
