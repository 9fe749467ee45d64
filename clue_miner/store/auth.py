"""Users, passwords (argon2id, memory-hard), web sessions and the login rate limit.

Passwords are hashed with argon2-cffi's ``PasswordHasher`` (argon2id, 64 MiB, per-hash salt).
A session cookie carries 32 random bytes; the table keeps only their SHA-256, with the session's
CSRF token. Logins are limited per user name and per client address: after ``MAX_FAILURES``
failures within ``WINDOW`` the next tries are refused without checking the password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clue_miner.errors import InputError
from clue_miner.store.models import LoginAttempt, User, WebSession

ROLES = ("reviewer", "supervisor")
MIN_PASSWORD = 8
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=65536, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def add_user(db: Session, name: str, role: str, password: str) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InputError("a user name is 1-64 characters without spaces", code="bad_user_name")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", code="bad_role")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password has at least {MIN_PASSWORD} characters", code="weak_password")
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise InputError(f"user {name!r} exists", code="duplicate_user")
    user = User(name=name, role=role, password_hash=hash_password(password), active=True, created_at=now())
    db.add(user)
    db.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    limited: bool = False


def authenticate(db: Session, name: str, password: str, ip: str) -> LoginResult:
    """The user when name and password match; ``limited`` when too many recent failures."""
    since = now() - WINDOW
    failures = db.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.ok.is_(False),
        (LoginAttempt.name == name) | (LoginAttempt.ip == ip)))
    if failures >= MAX_FAILURES:
        return LoginResult(None, limited=True)
    user = db.scalar(select(User).where(User.name == name, User.active.is_(True)))
    # an unknown name costs the same hashing time as a known one
    ok = verify_password(user.password_hash if user is not None else _dummy_hash(), password) and user is not None
    db.add(LoginAttempt(name=name[:64], ip=ip[:64], at=now(), ok=ok))
    return LoginResult(user if ok else None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Session, user: User) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=token_hash(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                     created_at=now(), expires_at=now() + SESSION_TTL)
    db.execute(delete(WebSession).where(WebSession.expires_at < now()))
    db.add(row)
    return token, row


def session_user(db: Session, token: str | None) -> tuple[User, WebSession] | None:
    if not token:
        return None
    row = db.get(WebSession, token_hash(token))
    if row is None or row.expires_at < now():
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def close_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
