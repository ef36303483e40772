"""Playbooks: finding the guide for a situation, suggesting it on a case, the onboarding path.

A handful of playbooks per language (tens, not thousands): they are read once per call and
matched in Python, where accents and case are folded the same way on every database.

- search: every word of the query must appear (accents and case ignored) in the title, the
  situation or the keywords; titles that match come first, then keywords, then by title.
- suggestion for a case: each keyword phrase found at the start of a word of the case's
  subject and description scores 3, each significant title word 2, and the case's type among
  the playbook's types adds 1 (only when words matched: the type alone suggests nothing); the
  words are matched in every language, the playbook shown in the reader's; best score first,
  then by title, then by code — the same case always gets the same list.
- onboarding: the playbooks with an onboarding rank, in order, with the steps the employee
  marked done. Progress is kept by playbook code, so it survives a change of language.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps as django_apps
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation

from symetrie.cases.models import Case, OnboardingProgress, Playbook
from symetrie.customers.normalise import fold
from symetrie.org.models import Employee

LANGUAGES = ("fr", "en")
SUGGESTIONS = 3
KEYWORD_SCORE = 3
TITLE_WORD_SCORE = 2
TYPE_SCORE = 1
# Title words that say nothing about the situation.
_STOPWORDS = frozenset(
    {
        "avec", "dans", "pour", "sans", "sur", "une", "des", "les", "ses", "mon", "est",
        "the", "and", "for", "with", "about", "does", "not", "can't", "cant", "may", "their",
        "client", "customer", "probleme", "problem", "demande", "request", "equipe", "team",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9']+")


def language_for(code: str | None = None) -> str:
    """The playbooks' language for a language code (the active one by default); French else."""
    short = (code or translation.get_language() or "fr")[:2].lower()
    return short if short in LANGUAGES else "fr"


def _keywords(playbook: Playbook) -> list[str]:
    return [fold(phrase) for phrase in playbook.keywords.split(",") if phrase.strip()]


def _title_words(playbook: Playbook) -> list[str]:
    words = _WORD.findall(fold(playbook.title).replace("'", " "))
    return [word for word in words if len(word) > 3 and word not in _STOPWORDS]


def _found(needle: str, folded_text: str) -> bool:
    """Whether `needle` starts a word of the text ("carte" finds "cartes", not "decarte")."""
    return re.search(rf"(?<![a-z0-9]){re.escape(needle)}", folded_text) is not None


def playbook_list(*, language: str, audience: str = "") -> list[Playbook]:
    playbooks = Playbook.objects.filter(language=language)
    if audience:
        playbooks = playbooks.filter(audience=audience)
    return list(playbooks.order_by("title", "slug"))


def playbook_search(*, query: str, language: str, audience: str = "") -> list[Playbook]:
    """Playbooks where every word of the query appears; all of them for an empty query."""
    tokens = fold(query).split()
    playbooks = playbook_list(language=language, audience=audience)
    if not tokens:
        return playbooks
    ranked: list[tuple[int, int, str, str, Playbook]] = []
    for playbook in playbooks:
        title, keywords = fold(playbook.title), fold(playbook.keywords)
        haystack = f"{title} {fold(playbook.situation)} {keywords}"
        if all(token in haystack for token in tokens):
            in_title = sum(token in title for token in tokens)
            in_keywords = sum(token in keywords for token in tokens)
            ranked.append((-in_title, -in_keywords, playbook.title, playbook.slug, playbook))
    ranked.sort(key=lambda row: row[:4])
    return [row[-1] for row in ranked]


def playbook_score(playbook: Playbook, *, case_type: str, folded_text: str) -> int:
    """How well a playbook fits a case's words and type (0: not at all)."""
    words = KEYWORD_SCORE * sum(_found(kw, folded_text) for kw in _keywords(playbook))
    words += TITLE_WORD_SCORE * sum(_found(w, folded_text) for w in _title_words(playbook))
    if not words:
        return 0
    return words + (TYPE_SCORE if case_type in playbook.case_types else 0)


def playbook_suggest(*, case: Case, language: str, limit: int = SUGGESTIONS) -> list[Playbook]:
    """The playbooks that fit this case best, for the case's audience, shown in `language`.

    The case's words are matched against the playbooks of every language (a case written in
    French read by someone working in English still finds its playbooks); a playbook counts
    once, with its best score."""
    text = fold(f"{case.subject} {case.description}")
    best: dict[str, int] = {}
    shown: dict[str, Playbook] = {}
    for playbook in Playbook.objects.filter(audience=case.audience).order_by("slug", "language"):
        score = playbook_score(playbook, case_type=case.type, folded_text=text)
        best[playbook.slug] = max(score, best.get(playbook.slug, 0))
        if playbook.language == language or playbook.slug not in shown:
            shown[playbook.slug] = playbook
    ranked = sorted(
        (shown[slug] for slug, score in best.items() if score),
        key=lambda playbook: (-best[playbook.slug], playbook.title, playbook.slug),
    )
    return ranked[:limit]


def playbook_get(*, slug: str, language: str) -> Playbook:
    """The playbook in this language, or in French when it was not translated; else 404."""
    found = {p.language: p for p in Playbook.objects.filter(slug=slug, language__in=LANGUAGES)}
    playbook = found.get(language) or found.get("fr") or next(iter(found.values()), None)
    if playbook is None:
        raise Http404("No such playbook.")
    return playbook


@dataclass(frozen=True)
class OnboardingStep:
    playbook: Playbook
    completed_at: dt.datetime | None

    @property
    def done(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class OnboardingPath:
    steps: list[OnboardingStep]

    @cached_property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        """Rounded down, so that 100 % means every step is done."""
        return self.done * 100 // self.total if self.total else 0

    @property
    def next_step(self) -> OnboardingStep | None:
        return next((step for step in self.steps if not step.done), None)


def onboarding_path(*, employee: Employee, language: str) -> OnboardingPath:
    """The onboarding path in `language`, and what this employee has done of it (2 queries)."""
    playbooks = Playbook.objects.filter(language=language, onboarding_rank__isnull=False)
    done = dict(
        OnboardingProgress.objects.filter(employee=employee).values_list(
            "playbook__slug", "completed_at"
        )
    )
    return OnboardingPath(
        [
            OnboardingStep(playbook, done.get(playbook.slug))
            for playbook in playbooks.order_by("onboarding_rank", "slug")
        ]
    )


@transaction.atomic
def onboarding_step_complete(
    *, employee: Employee, playbook: Playbook, done: bool = True, now: dt.datetime | None = None
) -> None:
    """Mark a step of the path done (or not done after all); doing it twice changes nothing."""
    if playbook.onboarding_rank is None:
        raise ValueError("This playbook is not part of the onboarding path.")
    same = OnboardingProgress.objects.filter(employee=employee, playbook__slug=playbook.slug)
    if not done:
        same.delete()
        return
    if not same.exists():
        # A double click's second request finds the row there: nothing more to do.
        OnboardingProgress.objects.bulk_create(
            [
                OnboardingProgress(
                    employee=employee, playbook=playbook, completed_at=now or timezone.now()
                )
            ],
            ignore_conflicts=True,
        )


def playbook_defaults_install() -> None:
    """Put back the shipped playbooks that are missing (after a flush, e.g. the demo's)."""
    migration = importlib.import_module("symetrie.cases.migrations.0002_playbooks")
    migration.seed(django_apps, None)
