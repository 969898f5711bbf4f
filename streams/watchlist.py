"""The watchlist: the entities a desk follows, loaded from YAML.

Format::

    entities:
      - name: Daniel Orlov
        aliases: [Danil Orlov]
        kind: hostage

Ids are derived from the canonical name (transliterated to ASCII, lower-case,
hyphenated), so the same watchlist gives the same ids on every worker and every run:
"Павел Волков" is ``pavel-volkov``. Transliteration makes different spellings of one
name one id ("Pavel Volkov", "PAVEL-VOLKOV", "Павел Волков"): two entries of one
watchlist that would share an id are refused, never merged silently — one spelling
belongs in the other's aliases. A name without a letter or digit ("!!!", an emoji) is
refused too: it names nobody and would give every such entry one id.

The file is a desk's configuration, read before anything starts: it is refused with
one WatchlistError naming the problem when it is missing, unreadable, larger than
``MAX_WATCHLIST_BYTES``, not YAML, uses YAML aliases (a few hundred bytes of aliases
expand to gigabytes; a watchlist has no use for them), nests deeper than
``MAX_DEPTH``, or does not have the format above.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from streams.errors import WatchlistError
from streams.text import entity_id

MAX_WATCHLIST_BYTES = 2 * 1024 * 1024  # tens of thousands of entities
MAX_DEPTH = 8  # the format needs 5: document, entities, entry, aliases, alias
_ENTRY_KEYS = ("name", "aliases", "kind")


@dataclass(frozen=True)
class WatchedEntity:
    """One entity on the watchlist."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise WatchlistError("a watched entity needs a name")
        if not any(char.isalnum() for char in self.name):
            raise WatchlistError(f"a watched name needs a letter or digit: {self.name!r}")
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


def same_name(a: str, b: str) -> bool:
    """Whether two names are one spelling (case and spacing aside): adding a watched
    name again updates its entry; another spelling under its id is refused."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def combine(configured: Watchlist, runtime: Watchlist) -> tuple[Watchlist, list[str]]:
    """The configured (file) watchlist with the runtime one over it: a runtime entry of
    the same spelling replaces the file's (new aliases, kind); one that would take a
    configured entry's id under another spelling is left out, and the second value says
    why, for the log — the file is the desk's configuration and is never taken over."""
    by_id = {e.id: e for e in configured}
    entities, refused = dict(by_id), []
    for e in runtime:
        own = by_id.get(e.id)
        if own is not None and not same_name(own.name, e.name):
            refused.append(f"runtime watchlist entry {e.name!r} left out: it would share "
                           f"the id {e.id!r} with {own.name!r} of the watchlist file")
            continue
        entities[e.id] = e
    return Watchlist(tuple(entities.values())), refused


def _entry(i: int, raw: object) -> WatchedEntity:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise WatchlistError(f"watchlist entry {i} needs a 'name' string")
    where = f"watchlist entry {i} ({raw['name'].strip()!r})"
    unknown = sorted(str(k) for k in raw if k not in _ENTRY_KEYS)
    if unknown:
        raise WatchlistError(f"{where}: unknown key {', '.join(map(repr, unknown))} "
                             f"(known: {', '.join(_ENTRY_KEYS)})")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise WatchlistError(f"{where}: 'aliases' must be a list of strings")
    kind = raw.get("kind")
    if kind is not None and not isinstance(kind, str | int | float):
        raise WatchlistError(f"{where}: 'kind' must be a word, not a {type(kind).__name__}")
    try:
        return WatchedEntity(name=raw["name"].strip(), aliases=tuple(a.strip() for a in aliases),
                             kind=str(kind) if kind is not None else None)
    except WatchlistError as exc:
        raise WatchlistError(f"watchlist entry {i}: {exc}") from None


def parse_watchlist(data: object) -> Watchlist:
    """Build a watchlist from parsed YAML; raises WatchlistError naming the entry at fault,
    also when two entries would share one id."""
    if data is None:
        return Watchlist()
    if not isinstance(data, dict) or not isinstance(data.get("entities", []), list):
        raise WatchlistError("watchlist must be a mapping with a list under 'entities'")
    if unknown := sorted(str(k) for k in data if k != "entities"):
        raise WatchlistError(f"watchlist: unknown key {', '.join(map(repr, unknown))} "
                             "(the entities go under 'entities')")
    entries: dict[str, tuple[int, WatchedEntity]] = {}
    for i, raw in enumerate(data.get("entities") or []):
        entity = _entry(i, raw)
        if entity.id in entries:
            j, first = entries[entity.id]
            raise WatchlistError(
                f"watchlist entries {j} ({first.name!r}) and {i} ({entity.name!r}) would share "
                f"the id {entity.id!r}: make one an alias of the other")
        entries[entity.id] = (i, entity)
    return Watchlist(tuple(entity for _, entity in entries.values()))


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases and with bounded nesting (see the module docstring)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise WatchlistError(f"watchlist: YAML aliases are not allowed (line "
                                 f"{mark.line + 1}, column {mark.column + 1})")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise WatchlistError(f"watchlist: nests deeper than {MAX_DEPTH} levels "
                                     f"(line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_watchlist(path: Path | None) -> Watchlist:
    """Read a watchlist YAML file; no path means an empty watchlist. Every way the file
    can be unusable is one WatchlistError that names the file."""
    if path is None:
        return Watchlist()
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_WATCHLIST_BYTES + 1)
    except FileNotFoundError:
        raise WatchlistError(f"watchlist {path}: no such file") from None
    except OSError as exc:
        raise WatchlistError(f"watchlist {path}: cannot read it: {exc.strerror or exc}") from None
    if len(raw) > MAX_WATCHLIST_BYTES:
        raise WatchlistError(f"watchlist {path}: larger than {MAX_WATCHLIST_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"watchlist {path}: not UTF-8 ({exc.reason} at byte "
                             f"{exc.start})") from None
    try:
        return parse_watchlist(yaml.load(text, Loader=_Loader))  # _Loader is a SafeLoader
    except WatchlistError as exc:
        raise WatchlistError(f"{path}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise WatchlistError(f"watchlist {path}: not valid YAML: "
                             f"{exc.problem or exc.context}{where}") from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. a date 2026-02-30
        raise WatchlistError(f"watchlist {path}: not valid YAML: {exc}") from None
