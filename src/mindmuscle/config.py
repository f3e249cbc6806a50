"""One way in for configuration: environment variables with the prefix ``MINDMUSCLE_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from mindmuscle.errors import ConfigError

__all__ = ["Settings", "default_data_dir", "get_settings"]


def default_data_dir() -> Path:
    """The user's data folder for MindMuscle (created on first use by the store)."""
    return Path(platformdirs.user_data_dir("mindmuscle", appauthor=False))


class Settings(BaseSettings):
    """Every setting of MindMuscle, each with its unit in its name."""

    model_config = SettingsConfigDict(env_prefix="MINDMUSCLE_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the database, certificates and imported catalogues.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default: SQLite file in data_dir.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web app binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port of the web app.")
    production: bool = Field(
        default=False, description="Production mode: refuses to start without a secret_key."
    )
    secret_key: str | None = Field(
        default=None, description="Secret for session cookies and CSRF tokens."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10_000, ge=0, description="How long SQLite waits for a lock, in milliseconds."
    )
    units: str = Field(default="kg", description="Default display units: kg or lb.")
    workers: int = Field(
        default=1, ge=1, le=64, description="Worker processes of the web server (serve)."
    )
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="Addresses of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are trusted (comma-separated, '*' for any); default: none.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names the web app answers to besides localhost, 127.0.0.1 and [::1] "
        "(comma-separated, e.g. 'gym.example,mm.local'); any other Host header is refused, so a "
        "web page cannot reach the app through DNS rebinding.",
    )
    login_failures_per_address: int = Field(
        default=20, ge=1, description="Refused logins allowed from one address per window."
    )
    login_failures_per_account: int = Field(
        default=10,
        ge=1,
        description="Refused logins allowed for one account from one address per window "
        "(the owner still logs in from another address).",
    )
    login_window_s: int = Field(
        default=900, ge=1, description="The window the refused logins are counted in, in seconds."
    )
    json_body_max_mb: float = Field(
        default=5, gt=0, description="Largest JSON or form body of a request, in megabytes."
    )
    motion_body_max_mb: float = Field(
        default=20,
        gt=0,
        description="Largest body of a set or motion analysis (with its motion), in megabytes.",
    )
    import_body_max_mb: float = Field(
        default=50, gt=0, description="Largest workout-log upload, in megabytes."
    )
    emg_body_max_mb: float = Field(
        default=200, gt=0, description="Largest EMG recording upload, in megabytes."
    )
    live_source: str | None = Field(
        default=None,
        description="The live EMG sensor attached to this computer, shown on the set page: "
        "lsl:NAME, brainflow:BOARD[:ADDRESS] or synthetic (default: none, nothing live).",
    )
    live_map: str | None = Field(
        default=None,
        description="The live sensor's channels to muscles, CH=MUSCLE[,CH=MUSCLE...] "
        "(needed with live_source).",
    )

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.units not in ("kg", "lb"):
            raise ConfigError(f"MINDMUSCLE_UNITS must be 'kg' or 'lb', got {self.units!r}.")
        if self.live_source and not (self.live_map or "").strip():
            raise ConfigError(
                "MINDMUSCLE_LIVE_SOURCE is set but MINDMUSCLE_LIVE_MAP is not: say which channel "
                "is which muscle, e.g. MINDMUSCLE_LIVE_MAP=1=biceps,2=front_delt."
            )
        if self.production and not self.secret_key:
            raise ConfigError(
                "MINDMUSCLE_PRODUCTION is set but MINDMUSCLE_SECRET_KEY is not: set a long "
                "random secret, for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        return self

    def resolved_database_url(self) -> str:
        """The database URL in force: the setting, or SQLite in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'mindmuscle.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings read from the environment (cached; tests build their own ``Settings``)."""
    return Settings()
