"""Tokens: API keys (stored hashed) and short-lived agent tokens (JWT HS256, at most an hour).

An API key reads `hck_<id>_<secret>`; only sha256(secret) is kept, so a stolen store reveals no
key. Scopes decide what a token may do (AGENTS.md §4)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import jwt

SCOPES = ("tasks:submit", "tasks:read", "agents:register", "agents:read", "agents:work", "events:publish",
          "events:subscribe", "memory:write", "memory:read", "admin", "metrics")
AGENT_SCOPES = ("tasks:read", "agents:register", "agents:read", "agents:work", "events:publish",
                "events:subscribe", "memory:write", "memory:read")
MAX_AGENT_TOKEN_TTL = 3600


class BadScope(ValueError):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key or an agent."""
    subject: str
    scopes: frozenset[str]
    role: str | None = None            # an agent's role; None for API keys
    kind: str = "key"                  # "key" | "agent" | "local"
    rate_limit: int = 100              # task submissions a minute

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    def __init__(self, engine):
        self.engine = engine

    def create(self, scopes, name: str = "", rate_limit: int = 100) -> tuple[str, dict]:
        scopes = sorted(set(scopes))
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise BadScope(f"unknown scope {', '.join(unknown) or '(none given)'}; choose from {', '.join(SCOPES)}")
        key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
        record = {"id": key_id, "name": name, "scopes": scopes, "hash": _digest(secret),
                  "created": time.time(), "revoked": False, "rate_limit": int(rate_limit)}
        self.engine.put("keys", key_id, record)
        return f"hck_{key_id}_{secret}", record

    def list(self) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "hash"} for r in self.engine.scan("keys")]

    def revoke(self, key_id: str) -> bool:
        record = self.engine.fetch("keys", key_id)
        if record is None:
            return False
        record["revoked"] = True
        self.engine.put("keys", key_id, record)
        return True

    def verify(self, token: str) -> Principal | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != "hck":
            return None
        record = self.engine.fetch("keys", parts[1])
        if record is None or record.get("revoked") or not hmac.compare_digest(record["hash"], _digest(parts[2])):
            return None
        return Principal(f"key:{record['id']}", frozenset(record["scopes"]), kind="key",
                         rate_limit=record.get("rate_limit", 100))

    def ensure_admin(self) -> str | None:
        """The admin key, created on first start only: returns it once, then None."""
        if any("admin" in r["scopes"] and not r.get("revoked") for r in self.engine.scan("keys")):
            return None
        token, _ = self.create(["admin"], name="admin (created by serve)", rate_limit=1000)
        return token


class AgentTokens:
    def __init__(self, engine, ttl: int = 900):
        secret = engine.fetch("meta", "jwt")
        if secret is None:
            engine.put_new("meta", "jwt", {"secret": secrets.token_hex(32)})
            secret = engine.fetch("meta", "jwt")
        self.secret = secret["secret"]
        self.ttl = min(int(ttl), MAX_AGENT_TOKEN_TTL)

    def mint(self, agent_id: str, role: str, scopes=AGENT_SCOPES) -> str:
        now = int(time.time())
        claims = {"sub": agent_id, "role": role, "scope": " ".join(scopes), "iat": now, "exp": now + self.ttl}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def verify(self, token: str) -> Principal | None:
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        except jwt.PyJWTError:
            return None
        if claims["exp"] - claims.get("iat", claims["exp"]) > MAX_AGENT_TOKEN_TTL:
            return None
        return Principal(claims["sub"], frozenset(claims.get("scope", "").split()), role=claims.get("role"),
                         kind="agent", rate_limit=1000)
