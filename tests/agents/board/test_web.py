"""The board's pages over an in-memory BoardData: what they show, and what they refuse."""

from __future__ import annotations

import asyncio
import re

import orjson
from aiohttp.test_utils import TestClient, TestServer

from agents.board.model import ArticleMeta, Watch
from agents.board.web import CSRF_COOKIE, make_app
from tests.agents.board.conftest import MemoryBoardData, alert, orlov

HOSTILE = 'Daniel Orlov <script>window.pwned=1</script><img src=x onerror="alert(1)"> spoke.'


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def test_the_feed_shows_newest_first_with_evidence_source_and_link(client, data):
    data.articles["wire-a-101"] = ArticleMeta("wire-a-101", "Engineer held",
                                              "https://northwire.example/a", "Northwire",
                                              "2026-04-02T08:00:00Z")
    await data.feed.add(alert("new_entity"))
    await data.feed.add(alert("conflict", attribute="held_by", value="Crimson Brigade",
                              article_id="wire-b-202", source="Eastpost",
                              sentence="The Crimson Brigade said it was holding Danil Orlov.",
                              previous=[{"value": "Northern Liberation Front",
                                         "sources": ["Northwire"], "evidence": []}]))
    html = await (await client.get("/")).text()
    assert html.index('id="alert-2"') < html.index('id="alert-1"')
    assert 'href="https://northwire.example/a"' in html
    assert "<mark>Orlov</mark>" in html and "<mark>Daniel Orlov</mark>" in html
    assert 'href="/entity/daniel-orlov#conflict-held-by"' in html
    assert "Northern Liberation Front" in html and "Eastpost" in html
    assert 'data-last-seq="2"' in html
    assert '<dd data-health="articles_in">12</dd>' in html


async def test_the_feed_filters_by_type_and_person(client, data):
    await data.feed.add(alert("new_entity"))
    await data.feed.add(alert("new_entity", "Mira Kessling", sentence="Mira Kessling spoke."))
    await data.feed.add(alert("new_detail", attribute="age", value="34"))
    html = await (await client.get("/?type=new_entity&person=mira-kessling")).text()
    assert re.findall(r'id="alert-(\d+)"', html) == ["2"]
    html = await (await client.get("/?type=bogus")).text()
    assert len(re.findall(r'id="alert-\d+"', html)) == 3


async def test_article_text_is_escaped_and_scripted_links_are_dropped(client, data):
    data.articles["wire-a-101"] = ArticleMeta("wire-a-101", "<script>window.t=1</script>",
                                              "javascript:alert(1)")
    await data.feed.add(alert("new_entity", sentence=HOSTILE))
    html = await (await client.get("/")).text()
    assert "<script>window" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "javascript:" not in html


async def test_the_person_page_puts_conflicting_values_in_columns(client, data):
    data.people["daniel-orlov"] = orlov()
    html = await (await client.get("/entity/daniel-orlov")).text()
    section = html[html.index('id="conflict-held-by"'):html.index('class="timeline"')]
    columns = re.findall(r'<div class="column" data-value="([^"]+)"', section)
    assert columns == ["Northern Liberation Front", "Crimson Brigade"]
    assert "Eastpost" in section and "The Crimson Brigade said it was holding" in section
    assert "<svg" in html and 'class="article-mark"' in html


async def test_bad_ids_are_404_pages_not_tracebacks(client, data):
    for path in ("/entity/nobody", "/entity/%3Cscript%3E", "/nowhere", "/entity/"):
        response = await client.get(path)
        assert response.status == 404, path
        body = await response.text()
        assert "Not Found" in body and "Traceback" not in body and "<script>" not in body


async def test_a_crash_is_a_page_without_a_traceback(client, data):
    async def broken(entity_id: str):
        raise RuntimeError("secret detail")

    data.profile = broken
    response = await client.get("/entity/daniel-orlov")
    assert response.status == 500
    body = await response.text()
    assert "secret detail" not in body and "Traceback" not in body


async def test_a_watch_needs_the_csrf_token(client, data):
    html = await (await client.get("/watchlist")).text()
    assert client.session.cookie_jar.filter_cookies(client.make_url("/")).get(CSRF_COOKIE)
    refused = await client.post("/watchlist", data={"name": "Tomas Varga"},
                                allow_redirects=False)
    assert refused.status == 403 and data.watches == {}
    wrong = await client.post("/watchlist", data={"name": "Tomas Varga", "csrf": "x" * 64},
                              allow_redirects=False)
    assert wrong.status == 403 and data.watches == {}
    origin = str(client.make_url("/")).rstrip("/")  # what a browser sends on a form POST
    done = await client.post("/watchlist", allow_redirects=False, headers={"Origin": origin},
                             data={"name": " Tomas  Varga ", "aliases": "T. Varga, ,Varga T.",
                                   "kind": "negotiator", "csrf": csrf_of(html)})
    assert done.status == 303
    assert data.watches["tomas-varga"] == Watch("tomas-varga", "Tomas Varga",
                                                ("T. Varga", "Varga T."), "negotiator")


async def test_a_cross_origin_post_is_refused_even_with_the_token(client, data):
    html = await (await client.get("/watchlist")).text()
    for origin in ("http://evil.example", "null"):
        response = await client.post("/watchlist", data={"name": "Tomas Varga",
                                                          "csrf": csrf_of(html)},
                                     headers={"Origin": origin}, allow_redirects=False)
        assert response.status == 403 and data.watches == {}


async def test_remove_takes_a_watch_off_and_an_unknown_one_is_404(client, data):
    data.watches["tomas-varga"] = Watch("tomas-varga", "Tomas Varga")
    data.watches["mira-kessling"] = Watch("mira-kessling", "Mira Kessling", removable=False)
    html = await (await client.get("/watchlist")).text()
    assert html.count(">remove</button>") == 1 and "watchlist file" in html
    token = csrf_of(html)
    done = await client.post("/watchlist/tomas-varga/remove", data={"csrf": token},
                             allow_redirects=False)
    assert done.status == 303 and "tomas-varga" not in data.watches
    again = await client.post("/watchlist/tomas-varga/remove", data={"csrf": token})
    assert again.status == 404


async def test_pages_carry_a_policy_that_allows_no_inline_script(client):
    response = await client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (await client.get("/static/board.js")).status == 200


async def test_events_stream_alerts_after_a_number_and_health(client, data):
    await data.feed.add(alert("new_entity"))
    response = await client.get("/events?after=1")
    assert response.headers["Content-Type"].startswith("text/event-stream")
    await data.feed.add(alert("new_detail", attribute="age", value="34", sentence=HOSTILE))
    seen: dict[str, dict] = {}
    while "alert" not in seen or "health" not in seen:
        line = await asyncio.wait_for(response.content.readline(), 5)
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
        elif line.startswith(b"data: "):
            seen[event] = orjson.loads(line[6:])
    assert seen["alert"]["seq"] == 2 and seen["alert"]["type"] == "new_detail"
    assert 'id="alert-2"' in seen["alert"]["html"]
    assert "<script>" not in seen["alert"]["html"] and "&lt;script&gt;" in seen["alert"]["html"]
    assert seen["health"]["dead_letters_total"] == 2
    response.close()


async def test_with_a_token_every_request_needs_it():
    data = MemoryBoardData()
    async with TestClient(TestServer(make_app(data, token="s3cret"))) as c:
        assert (await c.get("/")).status == 401
        assert (await c.get("/static/board.css")).status == 401
        assert (await c.get("/", headers={"Authorization": "Bearer nope"})).status == 401
        assert (await c.get("/", headers={"Authorization": "Bearer s3cret"})).status == 200
        first = await c.get("/watchlist?token=s3cret", allow_redirects=False)
        assert first.status == 303 and first.headers["Location"] == "/watchlist"
        assert (await c.get("/watchlist")).status == 200  # the cookie carries it now
