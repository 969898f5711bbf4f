"""The board's web app: server-rendered pages, a Server-Sent Events stream, and the
guards every request passes.

Guards, outermost first: error pages (a bad id or a crash is a page, never a
traceback); the access token, when one is configured (bearer header, or once as
``?token=`` which becomes a cookie); CSRF on every POST (a per-browser cookie and a
form field derived from it with the app's secret, plus the Origin check); security
headers (a CSP that allows no inline script, no framing, no referrer to article sites:
``same-origin``, as ``no-referrer`` would make a browser send ``Origin: null``).
Article text is escaped by Jinja's autoescape, and article URLs are linked only when
they are http(s).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import orjson
from aiohttp import web

from agents.board import views
from agents.board.model import AlertDoc, BoardData, FeedItem, Watch

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
DATA_KEY = web.AppKey("data", BoardData)
CSRF_KEY = web.RequestKey("csrf", str)
TOKEN_COOKIE = "wirewatch_board_token"
CSRF_COOKIE = "wirewatch_board_csrf"
ALERT_TYPES = ("new_entity", "new_detail", "status_change", "conflict")
SHOWN = 300  # alerts rendered on a page load; older ones stay a filter away
HEALTH_EVERY = 5.0
KEEPALIVE_EVERY = 15.0
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a ``javascript:`` link in an article's
    metadata must not become a link on the page."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(time=views.show_time, safe_url=safe_url, css=views.css_word)
    env.globals.update(mark=views.mark)
    return env


TEMPLATES = _environment()


def _page(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    body = TEMPLATES.get_template(name).render(csrf=request.get(CSRF_KEY, ""), **context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def _names(alert: AlertDoc, watches: dict[str, Watch]) -> list[str]:
    watch = watches.get(alert["entity"]["id"])
    return [alert["entity"]["name"], *(watch.aliases if watch else ())]


def _alert_html(item: FeedItem, watches: dict[str, Watch]) -> str:
    return TEMPLATES.get_template("_alert.html").render(
        item=item, names=_names(item.alert, watches))


def _matches(item: FeedItem, kind: str, person: str) -> bool:
    return (not kind or item.alert["type"] == kind) and (
        not person or item.alert["entity"]["id"] == person)


async def _watches(data: BoardData) -> dict[str, Watch]:
    try:
        return {w.id: w for w in await data.watchlist()}
    except Exception:  # marking aliases is a nicety; the feed shows without it
        log.warning("board: watchlist unavailable", exc_info=True)
        return {}


async def feed(request: web.Request) -> web.Response:
    data = request.app[DATA_KEY]
    kind = request.query.get("type", "")
    kind = kind if kind in ALERT_TYPES else ""
    person = request.query.get("person", "")
    items = data.items()
    people = sorted({(i.alert["entity"]["id"], i.alert["entity"]["name"]) for i in items},
                    key=lambda p: p[1].lower())
    matching = [i for i in reversed(items) if _matches(i, kind, person)]
    watches = await _watches(data)
    return _page(request, "feed.html", items=matching[:SHOWN], total=len(matching),
                 shown=SHOWN, last_seq=items[-1].seq if items else 0, kind=kind,
                 person=person, people=people, types=ALERT_TYPES,
                 health=await data.health(), watches=watches,
                 names_of=lambda item: _names(item.alert, watches))


async def events(request: web.Request) -> web.StreamResponse:
    """SSE: ``alert`` events (rendered fragments) after ``?after=`` or ``Last-Event-ID``,
    ``health`` events every few seconds, comments to keep proxies from closing."""
    data = request.app[DATA_KEY]
    raw = request.headers.get("Last-Event-ID") or request.query.get("after", "0")
    after = int(raw) if raw.isdigit() else 0
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    lock = asyncio.Lock()

    async def send(text: str) -> None:
        async with lock:
            await response.write(text.encode())

    async def alerts() -> None:
        watches = await _watches(data)
        async for item in data.alerts(after):
            if item.alert["entity"]["id"] not in watches:
                watches = await _watches(data)
            doc = {"seq": item.seq, "type": item.alert["type"],
                   "entity": item.alert["entity"]["id"], "html": _alert_html(item, watches)}
            await send(f"id: {item.seq}\nevent: alert\ndata: {orjson.dumps(doc).decode()}\n\n")

    async def health() -> None:
        while True:
            doc = (await data.health()).to_dict()
            await send(f"event: health\ndata: {orjson.dumps(doc).decode()}\n\n")
            await asyncio.sleep(HEALTH_EVERY)

    async def keepalive() -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_EVERY)
            await send(": keepalive\n\n")

    tasks = [asyncio.create_task(t()) for t in (alerts, health, keepalive)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, ConnectionResetError, Exception):
                await task
    return response


async def entity(request: web.Request) -> web.Response:
    data = request.app[DATA_KEY]
    entity_id = request.match_info["entity_id"]
    person = await data.profile(entity_id)
    if person is None:
        raise web.HTTPNotFound(text=f"no profile for {entity_id}")
    watch = (await _watches(data)).get(person.entity_id)
    names = [person.name, *(watch.aliases if watch else ())]
    alerts = [i for i in reversed(data.items()) if i.alert["entity"]["id"] == person.entity_id]
    return _page(request, "person.html", person=person, names=names,
                 conflicts=views.conflicts(person), timeline=views.timeline(person),
                 alerts=alerts[:50], health=await data.health())


async def watchlist(request: web.Request) -> web.Response:
    data = request.app[DATA_KEY]
    return _page(request, "watchlist.html", watches=await data.watchlist(),
                 message=request.query.get("done", ""), health=await data.health())


async def add_watch(request: web.Request) -> web.Response:
    form = await request.post()
    name = " ".join(str(form.get("name", "")).split())
    if not name:
        raise web.HTTPBadRequest(text="a watched entity needs a name")
    aliases = tuple(dict.fromkeys(a for a in (" ".join(x.split()) for x in
                                              str(form.get("aliases", "")).split(",")) if a))
    kind = " ".join(str(form.get("kind", "")).split()) or None
    watch = await request.app[DATA_KEY].add_watch(name, aliases, kind)
    raise web.HTTPSeeOther(f"/watchlist?done=added+{watch.id}")


async def remove_watch(request: web.Request) -> web.Response:
    entity_id = request.match_info["entity_id"]
    if not await request.app[DATA_KEY].remove_watch(entity_id):
        raise web.HTTPNotFound(text=f"not on the runtime watchlist: {entity_id}")
    raise web.HTTPSeeOther(f"/watchlist?done=removed+{entity_id}")


async def health_json(request: web.Request) -> web.Response:
    return web.json_response((await request.app[DATA_KEY].health()).to_dict())


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _page(request, "error.html", status=exc.status, title=exc.reason,
                     detail=exc.text if exc.text and exc.text != f"{exc.status}: {exc.reason}"
                     else "", health=None)
    except Exception:
        log.exception("board: %s %s failed", request.method, request.path)
        return _page(request, "error.html", status=500, title="Internal Server Error",
                     detail="The board could not build this page; see its log.", health=None)


def _token_middleware(token: str) -> Callable:
    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        offered = request.query.get("token")
        if offered is not None and hmac.compare_digest(offered.encode(), token.encode()):
            query = {k: v for k, v in request.query.items() if k != "token"}
            target = request.rel_url.with_query(query)
            response = web.HTTPSeeOther(str(target))
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
            raise response
        header = request.headers.get("Authorization", "")
        given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else \
            request.cookies.get(TOKEN_COOKIE, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise web.HTTPUnauthorized(
                text="this board needs its token: open it once as /?token=<token>")
        return await handler(request)

    return require_token


def _csrf_middleware(secret: bytes) -> Callable:
    def expected(cookie: str) -> str:
        return hmac.new(secret, cookie.encode(), hashlib.sha256).hexdigest()

    @web.middleware
    async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = not cookie
        if fresh:
            cookie = secrets.token_urlsafe(24)
        request[CSRF_KEY] = expected(cookie)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                raise web.HTTPForbidden(text="cross-origin request refused")
            form = await request.post()
            if fresh or not hmac.compare_digest(str(form.get("csrf", "")), request[CSRF_KEY]):
                raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page")
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if fresh:
                exc.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="Strict")
            raise
        if fresh and not response.prepared:
            response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="Strict")
        return response

    return csrf


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    def stamp(response: web.StreamResponse) -> None:
        if not response.prepared:
            response.headers.update({
                "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})

    try:
        response = await handler(request)
    except web.HTTPException as exc:
        stamp(exc)
        raise
    stamp(response)
    return response


def make_app(data: BoardData, *, token: str | None = None,
             secret: bytes | None = None) -> web.Application:
    """The board over ``data``; with ``token``, every request must carry it."""
    middlewares: list[Callable] = [error_pages]
    if token:
        middlewares.append(_token_middleware(token))
    middlewares += [_csrf_middleware(secret or secrets.token_bytes(32)), security_headers]
    app = web.Application(middlewares=middlewares)
    app[DATA_KEY] = data
    entity_id = r"{entity_id:[A-Za-z0-9][A-Za-z0-9._:-]{0,199}}"
    app.add_routes([
        web.get("/", feed),
        web.get("/events", events),
        web.get(f"/entity/{entity_id}", entity),
        web.get("/watchlist", watchlist),
        web.post("/watchlist", add_watch),
        web.post(f"/watchlist/{entity_id}/remove", remove_watch),
        web.get("/health.json", health_json),
        web.static("/static", HERE / "static"),
    ])
    return app
