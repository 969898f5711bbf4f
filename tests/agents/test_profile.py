import asyncio
from unittest.mock import patch

from agents.worker import Worker
from schemas import EntityClaims


def _claims(article_id: str) -> EntityClaims:
    return EntityClaims(entity_id="daniel-orlov", entity_name="Daniel Orlov", kind="hostage",
                        article_id=article_id, source="Northwire",
                        first_sentence="Daniel Orlov is held in Karsk.", claims=[])


async def test_first_appearance_alerts_once(worker: Worker, sent):
    async with worker.agents["profile"].test_context() as agent:
        await agent.put(_claims("w-1"), key="daniel-orlov")
        await agent.put(_claims("w-2"), key="daniel-orlov")
        await agent.put(_claims("w-1"), key="daniel-orlov")
    [call] = sent["alerts"].call_args_list
    alert = call.kwargs["value"]
    assert (alert.type, alert.entity.id, alert.article_id) == ("new_entity", "daniel-orlov", "w-1")
    assert call.kwargs["key"] == "daniel-orlov"


async def test_an_alert_the_broker_had_before_mark_sent_failed_is_not_sent_again(
        worker: Worker, sent):
    """Killed (here: failed) between the broker's ack and ``mark_sent``, the retry takes
    the alert over, finds it on the alerts topic and only marks it sent."""
    log = worker.services.alert_log
    sent["alerts"].side_effect = lambda **kw: _recorded(log, kw["value"].alert_id)
    store = worker.services.profiles
    real_mark_sent = store.mark_sent
    calls = []

    async def mark_sent_once_failing(ids):
        calls.append(ids)
        if len(calls) == 1:
            raise RuntimeError("worker died here")
        await real_mark_sent(ids)

    with patch.object(store, "mark_sent", mark_sent_once_failing):
        async with worker.agents["profile"].test_context() as agent:
            await agent.put(_claims("w-1"), key="daniel-orlov")
    assert sent["alerts"].call_count == 1
    assert len(calls) == 2 and calls[0] == calls[1]  # the retry marked the same alert sent
    assert await store.take_over(
        [sent["alerts"].call_args.kwargs["value"]], worker.services.owner) == []


async def test_an_alert_the_broker_never_had_is_sent_by_the_retry(worker: Worker, sent):
    """Failed before the broker had it: the retry finds it missing and sends it."""
    calls = []

    async def failing_first(**kw):
        calls.append(kw["value"].alert_id)
        if len(calls) == 1:
            raise RuntimeError("broker refused")
        return await _recorded(worker.services.alert_log, kw["value"].alert_id)

    sent["alerts"].side_effect = failing_first
    async with worker.agents["profile"].test_context() as agent:
        await agent.put(_claims("w-1"), key="daniel-orlov")
    assert len(calls) == 2 and calls[0] == calls[1]
    assert worker.services.alert_log.ids == {calls[0]}


async def _recorded(log, alert_id: str):
    """A send the broker acknowledged: the alert is on the topic from now on."""
    log.record(alert_id)
    future = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future
