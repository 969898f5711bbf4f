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
