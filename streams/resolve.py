"""Mentions to canonical entities."""

from __future__ import annotations

from dataclasses import dataclass

from streams.nlp import Mention
from streams.watchlist import Watchlist, entity_id


@dataclass(frozen=True)
class ResolvedEntity:
    id: str
    name: str
    label: str
    watched: bool
    kind: str | None
    surface_forms: tuple[str, ...]
    mentions: int
    sentences: tuple[tuple[int, int], ...]
    spans: tuple[tuple[int, int], ...]
    titles: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


class Resolver:
    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist

    def resolve(self, mentions: list[Mention]) -> list[ResolvedEntity]:
        groups: dict[str, list[Mention]] = {}
        for m in mentions:
            groups.setdefault(m.entity_id or entity_id(m.name), []).append(m)
        out = []
        for eid, ms in groups.items():
            watched = self.watchlist.get(eid)
            out.append(ResolvedEntity(
                id=eid, name=watched.name if watched else ms[0].name, label=ms[0].label,
                watched=watched is not None, kind=watched.kind if watched else None,
                surface_forms=tuple(dict.fromkeys(m.text for m in ms)), mentions=len(ms),
                sentences=tuple(dict.fromkeys((m.sent_start, m.sent_end) for m in ms)),
                spans=tuple((m.start_char, m.end_char) for m in ms),
            ))
        return out
