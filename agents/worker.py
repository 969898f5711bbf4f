"""One worker, built from a settings value: the Faust app, its topics, the shared
services and the agents — the whole topology, top-down::

    articles ──ingest──▶ unique ──extract──▶ enriched
       │   (validate,          (spaCy NER,    └──▶ entity-claims ──profile──▶ alerts
       │    normalise,          resolution,          (key: entity)   (fact profile,
       │    dedup in Redis)     claims)                               conflict rules)
       ├──▶ duplicates
       └──▶ dead-letter  ◀── any stage, through one error policy (``agents.errors``)

``build`` may be called any number of times in one process (replay does, once a run):
each call makes a new app with its own topics, services and listeners, and nothing is
read from or written to the environment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import faust
from faust import StreamT

from agents import metrics
from agents.app import create_app
from agents.errors import Guard
from agents.extract import make_extract
from agents.health import HealthMonitor
from agents.ingest import make_ingest
from agents.observe import Observers, Stage
from agents.profile import make_profile
from agents.resume import BrokerWatch
from agents.services import Services
from agents.topics import Topics, declare_topics
from streams.settings import Settings

AgentFun = Callable[[StreamT], Awaitable[None]]


@dataclass
class Worker:
    """A built worker: start it with ``app.start()`` (in process) or ``faust.Worker``."""

    settings: Settings
    app: faust.App
    topics: Topics
    services: Services
    observers: Observers = field(default_factory=Observers)
    agents: dict[Stage, faust.types.AgentT] = field(default_factory=dict)
    health: HealthMonitor | None = None
    broker_watch: BrokerWatch | None = None

    @property
    def crashes(self) -> dict[str, BaseException]:
        """The agents that crashed, by name, with their exception (``agents.app``)."""
        return self.app.crashes

    def guard(self, stage: Stage) -> Guard:
        """The error policy of one stage of this worker."""
        return Guard(stage, self.settings, self.topics.dead_letter, self.observers)


def build(settings: Settings, services: Services | None = None) -> Worker:
    """The worker for ``settings``: app, topics, agents; ``services`` for tests."""
    app = create_app(settings)
    topics = declare_topics(app, settings)
    worker = Worker(settings, app, topics, services or Services(settings))
    worker.observers.subscribe(metrics.record)
    for stage, topic, make in (("ingest", topics.articles, make_ingest),
                               ("extract", topics.unique, make_extract),
                               ("profile", topics.entity_claims, make_profile)):
        worker.agents[stage] = app.agent(topic, name=stage)(make(worker))

    worker.broker_watch = BrokerWatch(settings, app)
    worker.broker_watch.install()
    if settings.web_port is not None:
        from faust.sensors.prometheus import setup_prometheus_sensors

        setup_prometheus_sensors(app)
        worker.health = HealthMonitor(settings, app, worker.crashes, worker.broker_watch)
        worker.health.install()

    @app.on_before_shutdown.connect
    async def close_services(app: faust.App, **kwargs: object) -> None:
        if worker.health is not None:
            await worker.health.stop()
        await worker.broker_watch.stop()
        await worker.services.close()

    return worker
