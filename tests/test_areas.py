"""The employment-authority areas (työllisyysalueet) of 1.1.2025 as src/tva_flow/data/areas.json gives them."""
from __future__ import annotations

import re

import pytest

from tva_flow import areas
from tva_flow.areas import AREAS, area_of_municipality, ids, known

# Åland's 16 municipalities: in no area (the Government of Åland runs its own employment services).
ALAND = {"035", "043", "060", "062", "065", "076", "170", "295", "318", "417", "438", "478", "736", "766", "771", "941"}


def test_there_are_45_areas_as_the_government_decided_on_22_february_2024():
    assert len(AREAS) == 45
    assert areas.VALID_FROM == "2025-01-01"


def test_ids_are_unique_snake_case_ascii_and_known():
    assert len(set(ids())) == len(ids()) == 45
    for area_id in ids():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", area_id), area_id
        assert known(area_id)
    assert not known("ahvenanmaa")
    assert not known("")


def test_every_area_is_a_tyollisyysalue_with_municipalities():
    for area in AREAS.values():
        assert area.name.endswith("työllisyysalue"), area.name
        assert area.municipalities


def test_every_mainland_municipality_is_in_exactly_one_area_and_aland_in_none():
    codes = [code for a in AREAS.values() for code, _ in a.municipalities]
    assert len(codes) == len(set(codes)) == 293  # 309 municipalities in 2025 less Åland's 16
    assert all(re.fullmatch(r"\d{3}", c) for c in codes)
    assert not ALAND & set(codes)
    names = [name for a in AREAS.values() for _, name in a.municipalities]
    assert len({n.casefold() for n in names}) == 293


def test_the_four_cities_that_organise_alone_are_areas_of_one_municipality():
    assert AREAS["helsinki"].municipalities == (("091", "Helsinki"),)
    assert AREAS["vantaa"].municipalities == (("092", "Vantaa"),)
    assert AREAS["lahti"].municipalities == (("398", "Lahti"),)
    assert AREAS["kouvola"].municipalities == (("286", "Kouvola"),)
    singles = sorted(a.id for a in AREAS.values() if len(a.municipalities) == 1)
    assert singles == ["helsinki", "kouvola", "lahti", "vantaa"]


@pytest.mark.parametrize("value, expected", [
    ("091", "helsinki"),
    ("Helsinki", "helsinki"),
    ("049", "espoo_kauniainen"),
    ("235", "espoo_kauniainen"),       # Kauniainen with Espoo
    ("245", "kerava_sipoo"),
    ("753", "kerava_sipoo"),           # Sipoo with Kerava, not Porvoo
    ("186", "keski_uusimaa"),
    ("504", "porvoo"),                 # Myrskylä
    ("837", "tampereen_seutu"),
    ("tampere", "tampereen_seutu"),
    ("TAMPERE", "tampereen_seutu"),
    (" 837 ", "tampereen_seutu"),      # surrounding whitespace is forgiven
    ("536", "tampereen_seutu"),        # Nokia
    ("980", "tampereen_seutu"),        # Ylöjärvi
    ("604", "tampereen_seutu"),        # Pirkkala
    ("211", "tampereen_seutu"),        # Kangasala
    ("418", "tampereen_seutu"),        # Lempäälä
    ("908", "tampereen_seutu"),        # Valkeakoski, joined by Government decision 22.2.2024
    ("790", "lantinen_pirkanmaa"),     # Sastamala
    ("508", "etelainen_keski_suomi"),  # Mänttä-Vilppula, Pirkanmaa but with Jämsä
    ("500", "jyvaskyla"),              # Muurame
    ("853", "turku"),
    ("895", "turku"),                  # Uusikaupunki
    ("734", "salo"),
    ("284", "salo"),                   # Koski Tl
    ("564", "oulu"),
    ("305", "kainuu_koillismaa"),      # Kuusamo with Kajaani
    ("849", "keski_pohjanmaa"),        # Toholampi, joined by Government decision 22.2.2024
    ("231", "pohjanmaa"),              # Kaskinen, joined by Government decision 22.2.2024
    ("152", "seinajoen_seutu"),        # Isokyrö
    ("683", "rovaseutu"),              # Ranua
    ("Mänttä-Vilppula", "etelainen_keski_suomi"),
])
def test_municipality_belongs_where_the_source_puts_it(value, expected):
    assert area_of_municipality(value) == expected


@pytest.mark.parametrize("value", ["478", "Maarianhamina", "170", "000", "999", "0837", "Atlantis", "", "91"])
def test_unknown_or_aland_municipality_has_no_area(value):
    assert area_of_municipality(value) is None


def test_areas_are_frozen():
    with pytest.raises(AttributeError):
        AREAS["helsinki"].name = "x"  # type: ignore[misc]
