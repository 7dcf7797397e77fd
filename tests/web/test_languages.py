"""Finnish by default, Swedish and English on request; a signed-in user's choice is remembered."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.web.conftest import ANNA, signed_in, text_of
from tva_flow.auth.directory import Directory

TRANSLATIONS = Path(__file__).resolve().parents[2] / "src" / "tva_flow" / "web" / "translations"


def lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)">', response.get_data(as_text=True))[1]


def test_the_desk_speaks_finnish_unless_the_browser_asks_for_swedish_or_english(browser):
    assert lang(browser.get("/sign-in")) == "fi" and "Kirjaudu sisään" in text_of(browser.get("/sign-in"))
    swedish = browser.get("/sign-in", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert lang(swedish) == "sv" and "Logga in" in text_of(swedish)
    english = browser.get("/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert lang(english) == "en" and "User name" in text_of(english)
    assert lang(browser.get("/sign-in", headers={"Accept-Language": "de-DE"})) == "fi"


def test_a_caseworker_who_chooses_swedish_gets_swedish_also_at_her_next_sign_in(app, anna):
    response = anna.send("/language", {"language": "sv", "next": "/?due=week"})
    assert response.status_code == 302 and response.headers["Location"] == "/?due=week"
    page = anna.page("/")
    assert lang(page) == "sv" and "<h1>Uppgifter</h1>" in page.get_data(as_text=True)
    assert Directory(app.extensions["tva_flow"].db).language(ANNA) == "sv"
    anna.send("/sign-out")
    again = signed_in(app, ANNA)  # a new browser session, Finnish Accept-Language
    assert lang(again.get("/", headers={"Accept-Language": "fi"})) == "sv"


def test_the_choice_before_signing_in_is_kept_in_the_session(browser):
    browser.get("/sign-in")
    browser.send("/language", {"language": "en", "next": "/sign-in"})
    assert lang(browser.get("/sign-in")) == "en"


def test_an_unknown_language_is_refused(anna):
    assert anna.send("/language", {"language": "de"}).status_code == 400


def test_the_catalog_template_holds_every_text_of_the_pages_and_no_other():
    web = TRANSLATIONS.parent
    with (web / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    in_code = {message for _, _, message, _, _ in extract_from_dir(str(web), method_map, options_map, keywords)}
    in_code = {m[0] if isinstance(m, tuple) else m for m in in_code}
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        in_template = {m.id for m in read_po(f) if m.id}
    assert in_code == in_template, "run `make translations` and translate what is new"


def test_every_catalog_is_complete_and_compiled_from_its_current_text():
    """The .mo files are committed (nothing to compile on a fresh machine); they must match the .po files."""
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    for language in ("fi", "sv", "en"):
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        with (folder / "messages.po").open("rb") as f:
            po = read_po(f, locale=language)
        with (folder / "messages.mo").open("rb") as f:
            mo = read_mo(f)
        assert {m.id for m in po if m.id} == wanted, f"{language}: run `make translations`"
        if language != "en":
            untranslated = [m.id for m in po if m.id and not m.string]
            assert not untranslated, f"{language} lacks translations: {untranslated}"
        assert {m.id: m.string for m in po if m.id and m.string} == \
            {m.id: m.string for m in mo if m.id and m.string}, f"{language}: the .mo is stale, run `make translations`"
