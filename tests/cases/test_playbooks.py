"""Playbooks: search, suggestion for a case, the pages, and the onboarding path."""

from __future__ import annotations

import pytest

from symetrie.cases import playbooks
from symetrie.cases.models import Case, OnboardingProgress, Playbook
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped_playbooks(db: None) -> None:
    """The shipped playbooks (a test that flushed the database may have removed them)."""
    playbooks.playbook_defaults_install()


def _slugs(found: list[Playbook]) -> list[str]:
    return [playbook.slug for playbook in found]


def _case(subject: str, description: str = "", *, type: str = "complaint") -> Case:
    audience = "employee" if type in ("irritant", "internal_request") else "customer"
    return Case(subject=subject, description=description, type=type, audience=audience)


def test_the_shipped_set_is_the_same_in_french_and_english():
    french = set(Playbook.objects.filter(language="fr").values_list("slug", "onboarding_rank"))
    english = set(Playbook.objects.filter(language="en").values_list("slug", "onboarding_rank"))

    assert len(french) == 17
    assert french == english
    assert sorted(rank for _slug, rank in french if rank) == list(range(1, 13))


def test_every_shipped_playbook_says_what_the_employee_may_decide_alone():
    assert not Playbook.objects.filter(latitude="").exists()
    assert not Playbook.objects.filter(case_types=[]).exists()


def test_installing_the_defaults_again_keeps_a_company_s_own_edits():
    Playbook.objects.filter(slug="perte-vol-carte", language="fr").update(title="Carte perdue")
    Playbook.objects.filter(slug="outil-en-panne", language="en").delete()

    playbooks.playbook_defaults_install()

    assert Playbook.objects.get(slug="perte-vol-carte", language="fr").title == "Carte perdue"
    assert Playbook.objects.get(slug="outil-en-panne", language="en").title == "The tool is down"
    assert Playbook.objects.count() == 34


def test_search_ignores_accents_and_case_and_ranks_titles_first():
    found = playbooks.playbook_search(query="CARTE", language="fr")

    # In the title first, then the situation only (address: "cartes"; fees: "cotisation de carte").
    assert _slugs(found) == [
        "carte-bloquee-etranger",
        "perte-vol-carte",
        "changement-adresse",
        "contestation-frais",
    ]
    assert _slugs(playbooks.playbook_search(query="carte bloquee", language="fr")) == [
        "carte-bloquee-etranger"
    ]
    assert _slugs(playbooks.playbook_search(query="Décès", language="fr")) == ["deces-succession"]
    assert _slugs(playbooks.playbook_search(query="deces", language="fr")) == ["deces-succession"]


def test_search_needs_every_word_and_follows_the_audience_and_language():
    assert _slugs(playbooks.playbook_search(query="procédure", language="fr")) == [
        "procedure-introuvable"
    ]
    assert playbooks.playbook_search(query="carte dragon", language="fr") == []
    assert _slugs(playbooks.playbook_search(query="outil", language="fr", audience="employee")) == [
        "outil-en-panne"
    ]
    assert playbooks.playbook_search(query="outil", language="fr", audience="customer") == []
    assert _slugs(playbooks.playbook_search(query="lost card", language="en")) == [
        "perte-vol-carte"
    ]


def test_an_empty_search_lists_everything_by_title():
    found = playbooks.playbook_search(query="  ", language="en", audience="employee")

    assert [p.title for p in found] == [
        "A team does not answer my request",
        "An aggressive or threatening customer",
        "I can't find the procedure",
        "May I decide alone?",
        "The tool is down",
    ]


def test_suggestions_follow_the_case_words_best_first():
    case = _case("Carte refusée en Espagne", "Paiement refusé à Barcelone pendant les vacances")

    found = playbooks.playbook_suggest(case=case, language="fr")

    assert _slugs(found) == ["carte-bloquee-etranger", "operation-non-reconnue", "perte-vol-carte"]


def test_a_french_case_finds_its_playbooks_for_an_english_reader():
    case = _case("Carte refusée en Espagne", "Paiement refusé à Barcelone pendant les vacances")

    found = playbooks.playbook_suggest(case=case, language="en")

    assert [p.title for p in found] == [
        "Card blocked abroad",
        "Transaction the customer does not recognise",
        "Lost or stolen card",
    ]


def test_suggestions_score_keywords_title_words_and_type():
    text = playbooks.fold("Frais contestés : une commission d'intervention de 8 €")
    fees = Playbook.objects.get(slug="contestation-frais", language="fr")

    # Keywords "frais", "commission", "commission d'intervention" (3 each), title words
    # "contestation" (no: "contestés" is not it) and "frais" (2), the complaint type (1).
    assert playbooks.playbook_score(fees, case_type="complaint", folded_text=text) == 12
    assert playbooks.playbook_score(fees, case_type="information", folded_text=text) == 11
    assert playbooks.playbook_score(fees, case_type="complaint", folded_text="rendez-vous") == 0


def test_suggestions_for_an_irritant_are_the_employee_side_in_english():
    case = _case("Loan tool down", "The simulation tool shows an error", type="irritant")

    assert _slugs(playbooks.playbook_suggest(case=case, language="en")) == ["outil-en-panne"]


def test_a_case_with_no_telling_word_gets_no_suggestion():
    assert playbooks.playbook_suggest(case=_case("Rendez-vous"), language="fr") == []


def test_the_same_case_always_gets_the_same_suggestions():
    case = _case("Card lost on holiday", "card stolen in Rome", type="request")

    first = _slugs(playbooks.playbook_suggest(case=case, language="en"))

    assert first == ["perte-vol-carte", "carte-bloquee-etranger"]
    assert all(
        _slugs(playbooks.playbook_suggest(case=case, language="en")) == first for _ in range(5)
    )


def test_the_onboarding_path_starts_with_latitude_and_counts_progress(frontline):
    path = playbooks.onboarding_path(employee=frontline, language="fr")

    assert [step.playbook.slug for step in path.steps[:3]] == [
        "puis-je-decider-seul",
        "perte-vol-carte",
        "carte-bloquee-etranger",
    ]
    assert (path.done, path.total, path.percent) == (0, 12, 0)
    assert path.next_step is path.steps[0]

    first = path.steps[0].playbook
    playbooks.onboarding_step_complete(employee=frontline, playbook=first)
    playbooks.onboarding_step_complete(employee=frontline, playbook=first)
    path = playbooks.onboarding_path(employee=frontline, language="fr")

    assert (path.done, path.percent) == (1, 8)
    assert path.next_step.playbook.slug == "perte-vol-carte"
    assert OnboardingProgress.objects.filter(employee=frontline).count() == 1


def test_onboarding_progress_carries_across_languages(frontline):
    french = Playbook.objects.get(slug="outil-en-panne", language="fr")
    playbooks.onboarding_step_complete(employee=frontline, playbook=french)

    english = playbooks.onboarding_path(employee=frontline, language="en")
    done = [step.playbook.title for step in english.steps if step.done]

    assert done == ["The tool is down"]
    # Marked again in English: still one step done.
    playbooks.onboarding_step_complete(
        employee=frontline, playbook=Playbook.objects.get(slug="outil-en-panne", language="en")
    )
    assert OnboardingProgress.objects.filter(employee=frontline).count() == 1


def test_a_playbook_off_the_path_cannot_be_marked_done(frontline):
    address = Playbook.objects.get(slug="changement-adresse", language="fr")

    with pytest.raises(ValueError):
        playbooks.onboarding_step_complete(employee=frontline, playbook=address)
    assert not OnboardingProgress.objects.exists()


# ---------------------------------------------------------------- pages


def test_the_playbooks_page_searches_and_its_htmx_part_is_the_results(frontline):
    client = client_for(frontline)

    page = client.get("/playbooks/", {"q": "carte bloquée"})
    part = client.get("/playbooks/", {"q": "carte bloquée"}, HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    assert "<h1>" in page.content.decode()
    assert 'href="/playbooks/carte-bloquee-etranger/"' in page.content.decode()
    html = part.content.decode()
    assert "<h1>" not in html
    assert html.count('<a href="/playbooks/') == 1
    assert "Carte bloquée à l&#x27;étranger" in html


def test_a_playbook_page_shows_the_reader_s_own_latitude(frontline, manager):
    # (A non-breaking space may sit before the euro sign.)
    page = client_for(frontline).get("/playbooks/contestation-frais/").content.decode()
    page = page.replace("\u00a0", " ")
    director = client_for(manager).get("/playbooks/contestation-frais/").content.decode()
    director = director.replace("\u00a0", " ")

    assert "Rembourser des frais prélevés à tort" in page
    assert "<li>Vous pouvez accorder jusqu&#x27;à 50 € en autonomie.</li>" in page
    assert "<li>Les exonérations de frais sont soumises à votre manager.</li>" in page
    assert "<li>Au-delà, Mona Manager décide.</li>" in page
    assert "<li>Vous pouvez accorder jusqu&#x27;à 300 € en autonomie.</li>" in director
    assert "<li>Vous pouvez exonérer des frais en autonomie.</li>" in director


def test_a_playbook_in_english_for_an_english_reader(frontline):
    client = client_for(frontline)
    client.cookies["django_language"] = "en"

    page = client.get("/playbooks/perte-vol-carte/").content.decode()

    assert "<h1>Lost or stolen card</h1>" in page
    assert "Block the card at once" in page


def test_playbook_pages_are_for_employees_only(outsider, departed):
    client = client_for(outsider)
    for url in ("/playbooks/", "/playbooks/perte-vol-carte/", "/onboarding/"):
        assert client.get(url).status_code == 404
        # A departed employee's account is inactive: back to the login page.
        assert client_for(departed).get(url)["Location"].startswith("/accounts/login/")
    assert client.post("/onboarding/perte-vol-carte/", {"done": "1"}).status_code == 404
    assert not OnboardingProgress.objects.exists()


def test_an_unknown_playbook_is_a_404(frontline):
    assert client_for(frontline).get("/playbooks/no-such-thing/").status_code == 404


def test_my_onboarding_page_shows_the_progress_bar(frontline):
    playbooks.onboarding_step_complete(
        employee=frontline, playbook=Playbook.objects.get(slug="perte-vol-carte", language="fr")
    )

    page = client_for(frontline).get("/onboarding/").content.decode()

    assert '<progress id="onboarding-progress" max="12" value="1">' in page
    assert page.count('name="done" value="1"') == 11
    assert page.count('name="done" value="0"') == 1


def test_the_done_button_marks_a_step_and_returns_the_path(frontline):
    client = client_for(frontline)

    response = client.post("/onboarding/outil-en-panne/", {"done": "1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<div id="onboarding-path">') or '<div id="onboarding-path">' in html
    assert "<h1>" not in html
    assert 'max="12" value="1"' in html
    assert list(
        OnboardingProgress.objects.filter(employee=frontline).values_list(
            "playbook__slug", flat=True
        )
    ) == ["outil-en-panne"]


def test_undo_and_the_button_on_the_playbook_page(frontline):
    client = client_for(frontline)
    client.post("/onboarding/outil-en-panne/", {"done": "1"})

    part = client.post(
        "/onboarding/outil-en-panne/", {"done": "0", "back": "playbook"}, HTTP_HX_REQUEST="true"
    )
    plain = client.post("/onboarding/outil-en-panne/", {"done": "1", "back": "playbook"})

    assert '<div id="onboarding-step"' in part.content.decode()
    assert "Je l'ai apprise\u00a0: terminée" in part.content.decode()
    assert plain.status_code == 302
    assert plain["Location"] == "/playbooks/outil-en-panne/"
    assert OnboardingProgress.objects.filter(employee=frontline).count() == 1


def test_a_playbook_off_the_path_has_no_done_button(frontline):
    client = client_for(frontline)

    page = client.get("/playbooks/changement-adresse/").content.decode()
    response = client.post("/onboarding/changement-adresse/", {"done": "1"})

    assert 'id="onboarding-step"' not in page
    assert response.status_code == 404
    assert not OnboardingProgress.objects.exists()
