"""Configuration from environment variables (contract §1)."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def instance_dir() -> Path:
    """Where local state lives (the SQLite file, a generated secret key, findings packs)."""
    path = Path(os.environ.get("SMQ_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url_from_environment() -> str:
    """`DATABASE_URL`, or the embedded SQLite file under the instance folder (contract §1)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{instance_dir() / 'smq-monitor.sqlite3'}"


class ConfigError(RuntimeError):
    pass


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(debug: bool, local_default: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if debug or local_default:
        # The embedded default keeps a generated key in instance/, so sessions survive restarts.
        path = instance_dir() / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
    raise ConfigError("SECRET_KEY must be set when not in debug mode (DATABASE_URL is not the local default)")


@dataclass(frozen=True)
class Settings:
    database_url: str
    debug: bool
    secret_key: str
    cache_redis_url: str | None
    secure_cookies: bool
    cache_timeout: int = 3600

    def flask_config(self) -> dict:
        cache: dict = {"CACHE_DEFAULT_TIMEOUT": self.cache_timeout}
        prefix = "smq:" + hashlib.sha256(self.database_url.encode()).hexdigest()[:10] + ":"
        if self.cache_redis_url:
            cache.update(
                CACHE_TYPE="data_access.cache.fault_tolerant_redis",
                CACHE_REDIS_URL=self.cache_redis_url,
                CACHE_KEY_PREFIX=prefix,
                CACHE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            )
        else:
            cache.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=500, CACHE_KEY_PREFIX=prefix)
        return {
            "SECRET_KEY": self.secret_key,
            "SESSION_COOKIE_NAME": "smq_session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "PERMANENT_SESSION_LIFETIME": 8 * 3600,
            "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
            **cache,
        }


def load_settings(**overrides) -> Settings:
    debug = _truthy(os.environ.get("SMQ_DEBUG")) or _truthy(os.environ.get("FLASK_DEBUG"))
    database_url = database_url_from_environment()
    local_default = not os.environ.get("DATABASE_URL", "").strip()
    # Secure cookies need HTTPS; the local default and debug serve plain HTTP on loopback.
    secure = not (debug or local_default) and not _truthy(os.environ.get("SMQ_INSECURE_COOKIES"))
    values = {
        "database_url": database_url,
        "debug": debug,
        "secret_key": _secret_key(debug, local_default),
        "cache_redis_url": os.environ.get("CACHE_REDIS_URL", "").strip() or None,
        "secure_cookies": secure,
    }
    values.update(overrides)
    return Settings(**values)
