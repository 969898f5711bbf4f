"""The watchlist: the entities a desk follows, loaded from YAML.

Format::

    entities:
      - name: Daniel Orlov
        aliases: [Danil Orlov]
        kind: hostage

Ids are derived from the canonical name (ASCII-folded, lower-case, hyphenated), so the
same watchlist gives the same ids on every worker and every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")


def entity_id(name: str) -> str:
    """Stable id of a canonical name: ``"Mousa Abú-Marzouk"`` -> ``"mousa-abu-marzouk"``."""
    return _NON_WORD.sub("-", unidecode(name).lower()).strip("-")


@dataclass(frozen=True)
class WatchedEntity:
    """One entity on the watchlist."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a watched entity needs a name")
        if not self.id:
            object.__setattr__(self, "id", entity_id(self.name))

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical name first, then aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Watchlist:
    """An immutable set of watched entities, addressable by id."""

    entities: tuple[WatchedEntity, ...] = ()

    def __iter__(self) -> Iterator[WatchedEntity]:
        return iter(self.entities)

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id_: str) -> WatchedEntity | None:
        """The watched entity with this id, if any."""
        return next((e for e in self.entities if e.id == entity_id_), None)

    @classmethod
    def of(cls, entities: Iterable[WatchedEntity]) -> Watchlist:
        """A watchlist of these entities; a later entry with the same id replaces an earlier."""
        by_id: dict[str, WatchedEntity] = {}
        for e in entities:
            by_id[e.id] = e
        return cls(tuple(by_id.values()))


def parse_watchlist(data: object) -> Watchlist:
    """Build a watchlist from parsed YAML; raises ValueError with the entry at fault."""
    if data is None:
        return Watchlist()
    if not isinstance(data, dict) or not isinstance(data.get("entities", []), list):
        raise ValueError("watchlist must be a mapping with a list under 'entities'")
    entries = []
    for i, raw in enumerate(data.get("entities") or []):
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise ValueError(f"watchlist entry {i} needs a 'name' string")
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"watchlist entry {i}: 'aliases' must be a list of strings")
        kind = raw.get("kind")
        entries.append(
            WatchedEntity(name=raw["name"].strip(), aliases=tuple(a.strip() for a in aliases),
                          kind=str(kind) if kind is not None else None)
        )
    return Watchlist.of(entries)


def load_watchlist(path: Path | None) -> Watchlist:
    """Read a watchlist YAML file; no path means an empty watchlist."""
    if path is None:
        return Watchlist()
    return parse_watchlist(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
