"""Finland's employment-authority areas (työllisyysalueet) in force since 1.1.2025, from data/areas.json.

Each area lists its municipalities by Statistics Finland municipality code (kuntanumero, three digits).
Åland's municipalities belong to no area: the Government of Åland runs its own employment services.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    municipalities: tuple[tuple[str, str], ...]  # (code, Finnish name)


def _load() -> tuple[dict[str, Area], str]:
    doc = json.loads(files("tva_flow").joinpath("data/areas.json").read_text(encoding="utf-8"))
    areas = {
        a["id"]: Area(a["id"], a["name"], tuple((m["code"], m["name"]) for m in a["municipalities"]))
        for a in doc["areas"]
    }
    return areas, doc["valid_from"]


AREAS, VALID_FROM = _load()

_BY_CODE = {code: a.id for a in AREAS.values() for code, _ in a.municipalities}
_BY_NAME = {name.casefold(): a.id for a in AREAS.values() for _, name in a.municipalities}


def ids() -> list[str]:
    """Every area id, in the file's order."""
    return list(AREAS)


def known(area_id: str) -> bool:
    return area_id in AREAS


def area_of_municipality(value: str) -> str | None:
    """The id of the area a municipality belongs to, by exact 3-digit code ("837") or Finnish name
    (case-insensitive, "tampere"); None for anything else, including Åland's municipalities."""
    value = value.strip()
    if len(value) == 3 and value.isdigit():
        return _BY_CODE.get(value)
    return _BY_NAME.get(value.casefold())
