import orjson

from agents.worker import Worker


def _value(mock, i=0):
    return mock.call_args_list[i].kwargs["value"]


async def test_valid_article_goes_on_and_its_copy_stops(worker: Worker, sent):
    article = {"id": "w-1", "body": "Daniel Orlov is held in Karsk, officials said.",
               "source": "Northwire"}
    async with worker.agents["ingest"].test_context() as agent:
        await agent.put(orjson.dumps(article), key=b"w-1")
        await agent.put(orjson.dumps({**article, "id": "w-2", "source": "Metro Daily"}),
                        key=b"w-2")
    assert sent["unique"].call_count == 1
    assert _value(sent["unique"]).id == "w-1"
    notice = _value(sent["duplicates"])
    assert (notice.article_id, notice.duplicate_of, notice.kind) == ("w-2", "w-1", "exact")
    assert sent["dead_letter"].call_count == 0


async def test_bad_message_is_dead_lettered_and_the_agent_goes_on(worker: Worker, sent):
    async with worker.agents["ingest"].test_context() as agent:
        await agent.put(b"{not json", key=b"x")
        await agent.put(orjson.dumps({"id": "w-3", "body": "Text about Karsk."}), key=b"w-3")
    letter = _value(sent["dead_letter"])
    assert (letter.reason, letter.stage) == ("not_json", "ingest")
    assert letter.payload_b64 == "e25vdCBqc29u"
    assert (letter.payload_size, letter.payload_truncated) == (9, False)
    assert _value(sent["unique"]).id == "w-3"
