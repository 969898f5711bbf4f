"""Entity fact profiles and alert rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas import Alert, AlertEntity, EntityClaims, Evidence
from streams.alerts import alert_id


@dataclass
class Profile:
    entity_id: str
    name: str
    kind: str | None = None
    articles: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "name": self.name, "kind": self.kind,
                "articles": self.articles}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        return cls(**d)


def apply_claims(
    profile: Profile | None, event: EntityClaims, detected_at: str
) -> tuple[Profile, list[Alert]]:
    alerts = []
    if profile is None:
        profile = Profile(event.entity_id, event.entity_name, event.kind)
        alerts.append(Alert(
            alert_id=alert_id(event.entity_id, "new_entity", None, None), type="new_entity",
            entity=AlertEntity(id=event.entity_id, name=event.entity_name, kind=event.kind),
            article_id=event.article_id, detected_at=detected_at,
            evidence=[Evidence(article_id=event.article_id, sentence=event.first_sentence,
                               source=event.source)],
        ))
    if event.article_id not in profile.articles:
        profile.articles.append(event.article_id)
    return profile, alerts
