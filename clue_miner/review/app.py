"""``clue-miner serve``: the review web app (server-rendered pages) and its JSON API (Starlette).

Routes (DESIGN.md, "Clue store and review service"); all but ``/login``, ``/api/login`` and
``/healthz`` need a logged-in session, and every POST but the logins needs the session's CSRF
token. Supervisors alone manage users and send notices (``workflow.ACTIONS``). Complaint text is
escaped everywhere (Jinja2 autoescape, displaCy's escaping); lists and exports mask phones and ID
numbers; the clue page shows the texts whole and records that the user saw it (audit log).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from clue_miner.errors import InputError
from clue_miner.review.render import clue_page_context, render
from clue_miner.review.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SecurityHeaders,
    clear_cookie,
    client_ip,
    set_cookie,
)
from clue_miner.store import Store, auth
from clue_miner.store.actions import apply_action, audit, record_verdict
from clue_miner.store.models import Audit, ClueRow, User
from clue_miner.store.queries import (
    SORTS,
    ClueFilter,
    clue_detail,
    counts,
    export_labels,
    export_table,
    list_clues,
)
from clue_miner.store.queries import overdue as overdue_rows
from clue_miner.store.workflow import WorkflowError, allowed_actions

log = logging.getLogger(__name__)
LABEL_TASKS = ("offence", "clue", "category")
AUDIT_ROWS = 300
Handler = Callable[..., Awaitable[Response]]


class _Ctx:
    """What a handler needs: the request, an open DB session, the user and the web session."""

    def __init__(self, request: Request, db: Any, user: User, web: Any) -> None:
        self.request, self.db, self.user, self.web = request, db, user, web


def create_app(store: Store, *, secure_cookies: bool = False) -> Starlette:
    """The ASGI app over ``store``; ``secure_cookies`` when served behind HTTPS."""
    import spacy.displacy  # noqa: F401 - loaded now, so that the first clue page does not wait for it

    def page(template: str, ctx: _Ctx | None, code: int = 200, **kw: Any) -> HTMLResponse:
        extra = {"user": ctx.user, "csrf": ctx.web.csrf} if ctx is not None else {}
        return HTMLResponse(render(template, **extra, **kw), status_code=code)

    def error(request: Request, status: int, message: str, ctx: _Ctx | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return page("error.html", ctx, code=status, status=status, message=message)

    def guarded(api: bool, mutating: bool = False, supervisor: bool = False) -> Callable[[Handler], Handler]:
        def wrap(fn: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                with store.session() as db:
                    found = auth.session_user(db, request.cookies.get(SESSION_COOKIE))
                    if found is None:
                        if api:
                            return JSONResponse({"error": "login required"}, status_code=401)
                        return RedirectResponse("/login", status_code=303)
                    user, web = found
                    ctx = _Ctx(request, db, user, web)
                    form = None
                    if mutating:
                        if api:
                            given = request.headers.get("x-csrf-token")
                        else:
                            form = await request.form()
                            given = form.get("csrf_token")
                        if not auth.csrf_ok(web.csrf, given if isinstance(given, str) else None):
                            audit(db, user, "csrf_refused", request.url.path)
                            return error(request, 403, "CSRF token missing or wrong", ctx)
                    if supervisor and user.role != "supervisor":
                        return error(request, 403, "only a supervisor may do this", ctx)
                    try:
                        return await fn(ctx, form) if mutating and not api else await fn(ctx)
                    except InputError as err:
                        db.rollback()
                        return error(request, 400, str(err), ctx)
                    except WorkflowError as err:
                        db.rollback()
                        return error(request, 409, str(err), ctx)
                    except LookupError:
                        db.rollback()
                        return error(request, 404, "no such clue", ctx)
            return endpoint
        return wrap

    async def json_body(request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise InputError("send application/json", code="bad_content_type")
        try:
            body = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise InputError("malformed JSON", code="malformed_json") from err
        if not isinstance(body, dict):
            raise InputError("a JSON object is expected", code="malformed_json")
        return body

    # -- login / logout -------------------------------------------------------------------------
    def _login(db: Any, request: Request, name: str, password: str) -> tuple[User | None, str | None, bool]:
        result = auth.authenticate(db, name[:64], password, client_ip(request))
        if result.user is None:
            audit(db, None, "login_refused", name[:64], limited=result.limited)
            return None, None, result.limited
        token, _ = auth.open_session(db, result.user)
        audit(db, result.user, "login", result.user.name)
        return result.user, token, False

    async def api_login(request: Request) -> Response:
        try:
            body = await json_body(request)
        except InputError as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        name, password = str(body.get("user") or ""), str(body.get("password") or "")
        with store.session() as db:
            user, token, limited = _login(db, request, name, password)
        if limited:
            return JSONResponse({"error": "too many failed logins; wait 15 minutes"}, status_code=429)
        if user is None or token is None:
            return JSONResponse({"error": "wrong user or password"}, status_code=401)
        resp = JSONResponse({"user": user.name, "role": user.role})
        set_cookie(resp, SESSION_COOKIE, token, secure=secure_cookies)
        return resp

    async def login_page(request: Request) -> Response:
        if request.method == "GET":
            token = secrets.token_urlsafe(24)
            resp = page("login.html", None, login_csrf=token)
            set_cookie(resp, LOGIN_COOKIE, token, secure=secure_cookies, max_age=3600)
            return resp
        form = await request.form()
        given, cookie = form.get("csrf_token"), request.cookies.get(LOGIN_COOKIE)
        if not cookie or not auth.csrf_ok(cookie, given if isinstance(given, str) else None):
            return page("error.html", None, code=403, status=403, message="CSRF token missing or wrong; reload the login page")
        with store.session() as db:
            user, token, limited = _login(db, request, str(form.get("user") or ""), str(form.get("password") or ""))
        if user is None or token is None:
            fresh = secrets.token_urlsafe(24)
            msg = "登录失败次数过多，请15分钟后再试" if limited else "用户名或密码错误"
            resp = page("login.html", None, code=429 if limited else 401, login_csrf=fresh, error=msg)
            set_cookie(resp, LOGIN_COOKIE, fresh, secure=secure_cookies, max_age=3600)
            return resp
        resp = RedirectResponse("/clues", status_code=303)
        set_cookie(resp, SESSION_COOKIE, token, secure=secure_cookies)
        clear_cookie(resp, LOGIN_COOKIE, secure=secure_cookies)
        return resp

    async def _logout(ctx: _Ctx, _form: Any = None) -> Response:
        auth.close_session(ctx.db, ctx.request.cookies.get(SESSION_COOKIE))
        audit(ctx.db, ctx.user, "logout", ctx.user.name)
        resp: Response = (JSONResponse({"ok": True}) if ctx.request.url.path.startswith("/api/")
                          else RedirectResponse("/login", status_code=303))
        clear_cookie(resp, SESSION_COOKIE, secure=secure_cookies)
        return resp

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    # -- API --------------------------------------------------------------------------------------
    @guarded(api=True)
    async def api_session(ctx: _Ctx) -> Response:
        return JSONResponse({"user": ctx.user.name, "role": ctx.user.role, "csrf": ctx.web.csrf})

    @guarded(api=True)
    async def api_clues(ctx: _Ctx) -> Response:
        return JSONResponse(list_clues(ctx.db, ClueFilter.from_params(ctx.request.query_params), masked=True))

    @guarded(api=True)
    async def api_clue(ctx: _Ctx) -> Response:
        clue_id = ctx.request.path_params["clue_id"]
        detail = clue_detail(ctx.db, clue_id)
        if detail is None:
            raise LookupError(clue_id)
        audit(ctx.db, ctx.user, "view", clue_id)
        return JSONResponse(detail)

    @guarded(api=True, mutating=True)
    async def api_verdict(ctx: _Ctx) -> Response:
        body = await json_body(ctx.request)
        clue_id = ctx.request.path_params["clue_id"]
        record_verdict(ctx.db, ctx.user, clue_id, str(body.get("verdict") or ""), body.get("corrected_offence"),
                       body.get("note"))
        return JSONResponse(clue_detail(ctx.db, clue_id))

    def _day(value: Any) -> date | None:
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError as err:
            raise InputError("a date is YYYY-MM-DD", code="bad_date") from err

    @guarded(api=True, mutating=True)
    async def api_step(ctx: _Ctx) -> Response:
        body = await json_body(ctx.request)
        clue_id = ctx.request.path_params["clue_id"]
        apply_action(ctx.db, ctx.user, clue_id, str(body.get("action") or ""), _day(body.get("date")),
                     body.get("doc_no"), body.get("note"))
        return JSONResponse(clue_detail(ctx.db, clue_id))

    @guarded(api=True)
    async def api_overdue(ctx: _Ctx) -> Response:
        return JSONResponse({"items": overdue_rows(ctx.db), "counts": counts(ctx.db)})

    async def _labels(ctx: _Ctx) -> Response:
        task = ctx.request.query_params.get("task") or "offence"
        if task not in LABEL_TASKS:
            raise InputError(f"task must be one of {', '.join(LABEL_TASKS)}", code="bad_task")
        text, stats = export_labels(ctx.db, task)
        audit(ctx.db, ctx.user, "export_labels", task, **stats)
        return Response(text, media_type="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="labels_{task}.jsonl"'})

    api_labels = guarded(api=True)(_labels)
    page_labels = guarded(api=False)(_labels)

    # -- pages ------------------------------------------------------------------------------------
    @guarded(api=False)
    async def root(_ctx: _Ctx) -> Response:
        return RedirectResponse("/clues", status_code=303)

    @guarded(api=False)
    async def clues_page(ctx: _Ctx) -> Response:
        params = ctx.request.query_params
        f = ClueFilter.from_params(params)
        result = list_clues(ctx.db, f, masked=True)
        keep = {k: v for k, v in params.items() if k != "offset" and v != ""}

        def q(offset: int) -> str:
            return urlencode({**keep, "offset": offset})

        options = {name: [v for v in ctx.db.scalars(select(col).distinct().order_by(col)) if v]
                   for name, col in (("types", ClueRow.clue_type), ("offences", ClueRow.offence),
                                     ("regions", ClueRow.region))}
        return page("clues.html", ctx, page=result, f=f, sorts=list(SORTS), query=urlencode(keep),
                    prev_query=q(max(0, f.offset - f.limit)) if f.offset > 0 else None,
                    next_query=q(f.offset + f.limit) if f.offset + f.limit < result["total"] else None,
                    flash=params.get("flash"), **options)

    @guarded(api=False)
    async def clue_page(ctx: _Ctx) -> Response:
        clue_id = ctx.request.path_params["clue_id"]
        detail = clue_detail(ctx.db, clue_id)
        if detail is None:
            raise LookupError(clue_id)
        audit(ctx.db, ctx.user, "view", clue_id)
        flash = {"verdict": "结论已保存", "step": "步骤已记录"}.get(ctx.request.query_params.get("saved") or "")
        return page("clue.html", ctx, **clue_page_context(detail), actions=allowed_actions(detail["status"],
                    ctx.user.role), today=date.today().isoformat(), flash=flash)

    @guarded(api=False, mutating=True)
    async def verdict_form(ctx: _Ctx, form: Any) -> Response:
        clue_id = ctx.request.path_params["clue_id"]
        record_verdict(ctx.db, ctx.user, clue_id, str(form.get("verdict") or ""), form.get("corrected_offence"),
                       form.get("note"))
        return RedirectResponse(f"/clues/{clue_id}?saved=verdict", status_code=303)

    @guarded(api=False, mutating=True)
    async def step_form(ctx: _Ctx, form: Any) -> Response:
        clue_id = ctx.request.path_params["clue_id"]
        apply_action(ctx.db, ctx.user, clue_id, str(form.get("action") or ""), _day(form.get("date")),
                     form.get("doc_no"), form.get("note"))
        return RedirectResponse(f"/clues/{clue_id}?saved=step", status_code=303)

    @guarded(api=False)
    async def overdue_page(ctx: _Ctx) -> Response:
        return page("overdue.html", ctx, rows=overdue_rows(ctx.db), stats=counts(ctx.db))

    async def _export(ctx: _Ctx, fmt: str) -> Response:
        data = export_table(ctx.db, ClueFilter.from_params(ctx.request.query_params), fmt)
        audit(ctx.db, ctx.user, "export_clues", fmt)
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                 else "text/csv; charset=utf-8")
        return Response(data, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="clues.{fmt}"'})

    @guarded(api=False)
    async def export_csv(ctx: _Ctx) -> Response:
        return await _export(ctx, "csv")

    @guarded(api=False)
    async def export_xlsx(ctx: _Ctx) -> Response:
        return await _export(ctx, "xlsx")

    @guarded(api=False, supervisor=True)
    async def users_page(ctx: _Ctx) -> Response:
        return page("users.html", ctx, users=ctx.db.scalars(select(User).order_by(User.name)).all())

    @guarded(api=False, mutating=True, supervisor=True)
    async def users_add(ctx: _Ctx, form: Any) -> Response:
        user = auth.add_user(ctx.db, str(form.get("name") or ""), str(form.get("role") or ""),
                             str(form.get("password") or ""))
        audit(ctx.db, ctx.user, "user_add", user.name, role=user.role)
        return RedirectResponse("/users", status_code=303)

    @guarded(api=False, supervisor=True)
    async def audit_page(ctx: _Ctx) -> Response:
        rows = ctx.db.scalars(select(Audit).order_by(Audit.id.desc()).limit(AUDIT_ROWS)).all()
        return page("audit.html", ctx, rows=rows)

    routes = [
        Route("/healthz", healthz),
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", guarded(api=False, mutating=True)(_logout), methods=["POST"]),
        Route("/", root),
        Route("/clues", clues_page),
        Route("/clues/{clue_id}", clue_page),
        Route("/clues/{clue_id}/verdict", verdict_form, methods=["POST"]),
        Route("/clues/{clue_id}/step", step_form, methods=["POST"]),
        Route("/overdue", overdue_page),
        Route("/users", users_page),
        Route("/users", users_add, methods=["POST"]),
        Route("/audit", audit_page),
        Route("/export/clues.csv", export_csv),
        Route("/export/clues.xlsx", export_xlsx),
        Route("/export/labels", page_labels),
        Route("/api/login", api_login, methods=["POST"]),
        Route("/api/logout", guarded(api=True, mutating=True)(_logout), methods=["POST"]),
        Route("/api/session", api_session),
        Route("/api/clues", api_clues),
        Route("/api/clues/{clue_id}", api_clue),
        Route("/api/clues/{clue_id}/verdict", api_verdict, methods=["POST"]),
        Route("/api/clues/{clue_id}/steps", api_step, methods=["POST"]),
        Route("/api/overdue", api_overdue),
        Route("/api/export/labels", api_labels),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
