"""The embedded user directory: users (roles, groups, areas, customers, rights, an optional password)
and the Ed25519 key that signs their tokens. The key is generated on first use and kept only in the
database (``signing_keys``); tokens are validated in :mod:`tva_flow.auth.tokens`."""
from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Invalid, NotFound
from ..text import storable
from ..store.models import SigningKey, User
from . import passwords
from .actor import CUSTOMER, EVERY_AREA, RIGHTS, ROLES, Actor, actor

EMBEDDED_ISSUER = "urn:tva-flow:embedded"
EMBEDDED_AUDIENCE = "tva-flow"
EMBEDDED_ALGORITHM = "EdDSA"
MIN_TTL, MAX_TTL = timedelta(minutes=1), timedelta(days=30)
_TTL = re.compile(r"(\d{1,7})([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_ttl(text: str) -> timedelta:
    """``"90s"``, ``"30m"``, ``"8h"``, ``"2d"`` → a lifetime between 1 minute and 30 days."""
    match = _TTL.fullmatch(text.strip())
    if not match:
        raise ValueError(f"a token lifetime is a number and a unit, e.g. 90s, 30m, 8h or 2d (not {text!r})")
    return check_ttl(timedelta(**{_UNITS[match[2]]: int(match[1])}))


def check_ttl(ttl: timedelta) -> timedelta:
    if ttl < MIN_TTL:
        raise ValueError("a token must live at least 1 minute")
    if ttl > MAX_TTL:
        raise ValueError("a token may live at most 30 days")
    return ttl


def _text_problem(value, what: str, longest: int = 255) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{what} may not be empty"
    if len(value) > longest:
        return f"{what} is longer than {longest} characters"
    if value != value.strip() or not storable(value) or any(unicodedata.category(c) == "Cc" for c in value):
        return f"{what} may not contain control characters or begin or end with a space"
    return None


def _area_known(area: str) -> bool:
    if area == EVERY_AREA:
        return True
    from .. import areas  # imported late: the table of areas is its own module
    return areas.known(area)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))


def _public(row: User) -> dict:
    return {"name": row.name, "roles": row.roles, "groups": row.groups, "areas": row.areas,
            "customers": row.customers, "rights": row.rights, "has_password": row.password_hash is not None,
            "created_at": row.created_at.isoformat()}


class Directory:
    def __init__(self, db):
        self.db = db
        self._key: tuple[str, Ed25519PrivateKey] | None = None

    # --- users --------------------------------------------------------------------------------------
    def add(self, name: str, roles, groups=(), areas=(), customers=(), rights=(), password: str | None = None) -> dict:
        roles, groups, areas = _unique(roles), _unique(groups), _unique(areas)
        customers, rights = _unique(customers), _unique(rights)
        fields: dict[str, str] = {}
        if problem := _text_problem(name, "a user name"):
            fields["name"] = problem
        if not roles:
            fields["roles"] = f"a user needs at least one role: {', '.join(ROLES)}"
        elif unknown := [r for r in roles if r not in ROLES]:
            fields["roles"] = f"unknown role {unknown[0]!r}; the roles are {', '.join(ROLES)}"
        if unknown := [r for r in rights if r not in RIGHTS]:
            fields["rights"] = f"unknown right {unknown[0]!r}; the rights are {', '.join(RIGHTS)}"
        for field, values, what in (("groups", groups, "a group"), ("customers", customers, "a customer id")):
            if problems := [p for p in (_text_problem(v, what) for v in values) if p]:
                fields[field] = problems[0]
        if problems := [p for p in (_text_problem(a, "an area", 64) for a in areas) if p]:
            fields["areas"] = problems[0]
        elif unknown := [a for a in areas if not _area_known(a)]:
            fields["areas"] = f"unknown area {unknown[0]!r} (an area id, or {EVERY_AREA!r} for every area)"
        if password is not None and not password:
            fields["password"] = "a password may not be empty"
        if fields:
            raise Invalid("the user is not valid", fields)
        if CUSTOMER in roles and not customers:
            customers = [name]  # a customer acts for themself
        password_hash = passwords.hash_password(password) if password is not None else None
        row = User(name=name, roles=roles, groups=groups, areas=areas, customers=customers, rights=rights,
                   password_hash=password_hash, created_at=datetime.now(UTC))
        try:
            with self.db.unit_of_work() as session:
                if session.get(User, name) is not None:
                    raise Conflict(f"a user named {name!r} already exists")
                session.add(row)
        except IntegrityError:  # added by someone else at the same moment
            raise Conflict(f"a user named {name!r} already exists") from None
        return _public(row)

    def get(self, name: str) -> dict | None:
        with self.db.read() as session:
            row = session.get(User, name)
            return _public(row) if row else None

    def list(self) -> list[dict]:
        with self.db.read() as session:
            return [_public(row) for row in session.scalars(select(User).order_by(User.name))]

    def is_empty(self) -> bool:
        with self.db.read() as session:
            return session.scalars(select(User.name).limit(1)).first() is None

    def remove(self, name: str) -> None:
        with self.db.unit_of_work() as session:
            row = session.get(User, name)
            if row is None:
                raise NotFound(f"no user named {name!r}")
            session.delete(row)

    def set_password(self, name: str, password: str) -> None:
        password_hash = passwords.hash_password(password)
        with self.db.unit_of_work() as session:
            row = session.get(User, name)
            if row is None:
                raise NotFound(f"no user named {name!r}")
            row.password_hash = password_hash

    def verify_password(self, name: str, password: str) -> bool:
        with self.db.read() as session:
            row = session.get(User, name)
            password_hash = row.password_hash if row else None
        return passwords.verify(password_hash, password)

    def language(self, name: str) -> str | None:
        """The language the user chose for the browser desk, if any."""
        with self.db.read() as session:
            row = session.get(User, name)
            return row.language if row else None

    def set_language(self, name: str, language: str) -> None:
        with self.db.unit_of_work() as session:
            row = session.get(User, name)
            if row is None:
                raise NotFound(f"no user named {name!r}")
            row.language = language

    def actor(self, name: str, since: str | None = None) -> Actor | None:
        """The user as they are in the directory now; None once removed. With ``since`` (a token's
        ``user_since``), also None when the name now belongs to a user added after that token's one."""
        return self.actor_and_language(name, since)[0]

    def actor_and_language(self, name: str, since: str | None = None) -> tuple[Actor | None, str | None]:
        """:meth:`actor` and the language the user chose, from one read (the browser desk needs both)."""
        with self.db.read() as session:
            row = session.get(User, name)
            if row is None or (since is not None and row.created_at.isoformat() != since):
                return None, None
            return actor(row.name, row.roles, row.groups, row.areas, row.customers, row.rights), row.language

    # --- tokens -------------------------------------------------------------------------------------
    def token(self, name: str, ttl: timedelta) -> str:
        """A signed bearer token for ``name``. Validation takes the user's roles, groups and areas from the
        directory as they are then (the copies in the token are for information only), and refuses it once
        the user is removed, also if someone of the same name is added later (``user_since``)."""
        check_ttl(ttl)
        user = self.get(name)
        if user is None:
            raise NotFound(f"no user named {name!r}")
        kid, key = self._signing_key()
        now = datetime.now(UTC).replace(microsecond=0)
        claims = {"iss": EMBEDDED_ISSUER, "aud": EMBEDDED_AUDIENCE, "sub": name, "iat": now, "nbf": now,
                  "exp": now + ttl, "jti": str(uuid.uuid4()), "user_since": user["created_at"],
                  **{k: user[k] for k in ("roles", "groups", "areas", "customers", "rights")}}
        return jwt.encode(claims, key, algorithm=EMBEDDED_ALGORITHM, headers={"kid": kid})

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The key a token names, read on every check (a deleted key stops working at once); the PEM is
        parsed once per key, not once per request."""
        with self.db.read() as session:
            row = session.get(SigningKey, kid) if isinstance(kid, str) else None
            return _public_key(row.private_pem) if row else None

    def _signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        if self._key is None:
            row = self._newest_key()
            if row is None:
                with self.db.lock("signing_key"):  # several processes at first use: one generates
                    row = self._newest_key() or self._new_key()
            self._key = (row.kid, _load(row.private_pem))
        return self._key

    def _newest_key(self) -> SigningKey | None:
        with self.db.read() as session:
            return session.scalars(select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.kid)
                                   .limit(1)).first()

    def _new_key(self) -> SigningKey:
        key = Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        row = SigningKey(kid=hashlib.sha256(raw).hexdigest()[:32], private_pem=pem,
                         created_at=datetime.now(UTC))
        with self.db.unit_of_work() as session:
            session.add(row)
        return row


def _load(pem: str) -> Ed25519PrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@lru_cache(maxsize=16)
def _public_key(pem: str) -> Ed25519PublicKey:
    return _load(pem).public_key()
