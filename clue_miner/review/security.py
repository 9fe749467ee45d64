"""Cookies, CSRF and response headers of the review app (secure by default).

- The session cookie (``cm_session``) is HttpOnly, SameSite=Strict, path ``/``; ``secure=True``
  adds the Secure flag (serve behind HTTPS).
- Every state-changing request carries the session's CSRF token: header ``X-CSRF-Token`` (API)
  or form field ``csrf_token`` (pages). The login form, before any session exists, uses a
  double-submit token (cookie ``cm_login`` and the form field must agree).
- Pages send no script at all; the Content-Security-Policy forbids any.
"""

from __future__ import annotations

from starlette.responses import Response

SESSION_COOKIE = "cm_session"
LOGIN_COOKIE = "cm_login"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def set_cookie(response: Response, name: str, value: str, *, secure: bool, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict", secure=secure)


def clear_cookie(response: Response, name: str, *, secure: bool) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=secure)


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    return request.client.host if request.client is not None else "unknown"


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response (unless a route set its own)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items() if k.lower().encode() not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
