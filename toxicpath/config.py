"""The TOML configuration file of scheduled scans.

The file is read from `--config`, else from the `TOXICPATH_CONFIG`
environment variable, else from `config.toml` in the per-user config folder
(`platformdirs.user_config_path("toxicpath")`). A missing default file means
defaults; a missing file named explicitly is an error.

    [store]
    path = "/var/lib/toxicpath/graph.lbdb"   # or uri = "bolt://neo4j:7687"

    acceptance_file = "/etc/toxicpath/acceptances.yaml"

    [sensitivity]
    "arn:aws:s3:::payroll-*" = "critical"

    [scoring.edge_weights]
    CAN_ASSUME = 0.9

    [alerts.routing]
    critical = "immediate"
    high = "daily"

    [[alerts.channels]]
    name = "secops"
    type = "slack"
    url_env = "TOXICPATH_SLACK_WEBHOOK"

`docs/scheduled-scans.md` lists every key.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

CONFIG_ENV = "TOXICPATH_CONFIG"
SEVERITY_NAMES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
Cadence = Literal["immediate", "daily", "weekly", "off"]
CADENCES: tuple[str, ...] = ("immediate", "daily", "weekly", "off")


class ConfigError(ValueError):
    """An invalid configuration file; the message names the file, key and fix."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    """The graph store: an embedded file or a Neo4j server."""

    path: Path | None = None
    uri: str | None = None
    user: str | None = None
    # A file holding the Neo4j password, so the password never sits in the config.
    password_file: Path | None = None
    database: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> StoreSettings:
        if self.path is not None and self.uri is not None:
            raise ValueError(
                "set either store.path (embedded store) or store.uri (Neo4j), not both"
            )
        neo4j_only = ("user", "password_file", "database")
        if self.uri is None:
            for name in neo4j_only:
                if getattr(self, name) is not None:
                    raise ValueError(
                        f"store.{name} applies to Neo4j only; set store.uri too, "
                        f"or remove store.{name}"
                    )
        if self.uri is not None and "://" not in self.uri:
            raise ValueError(
                f"store.uri {self.uri!r} is not a URI; write bolt://HOST:7687 or "
                "neo4j+s://HOST, or use store.path for the embedded store"
            )
        return self

    @property
    def spec(self) -> str | None:
        """Return the value for `--store`: a URI, a path, or None for the default."""
        if self.uri is not None:
            return self.uri
        if self.path is not None:
            return str(self.path.expanduser())
        return None

    def neo4j_environment(self) -> dict[str, str]:
        """Return the TOXICPATH_NEO4J_* variables these settings imply."""
        values = {
            "TOXICPATH_NEO4J_USER": self.user,
            "TOXICPATH_NEO4J_PASSWORD_FILE": (
                str(self.password_file) if self.password_file else None
            ),
            "TOXICPATH_NEO4J_DATABASE": self.database,
        }
        return {key: value for key, value in values.items() if value}


class AlertRouting(_Section):
    """When alerts of each severity go out."""

    critical: Cadence = "immediate"
    high: Cadence = "daily"
    medium: Cadence = "weekly"
    low: Cadence = "weekly"
    info: Cadence = "off"

    def cadence(self, severity: str) -> str:
        return str(getattr(self, severity, "off"))


class ChannelSettings(_Section):
    """One alert destination."""

    name: str = Field(min_length=1)
    type: Literal["webhook", "slack", "ticket"]
    # The URL is a secret for most webhooks; prefer `url_env` or `url_file`.
    url: str | None = Field(default=None, repr=False)
    url_env: str | None = None
    url_file: Path | None = None
    min_severity: Literal["critical", "high", "medium", "low", "info"] = "info"
    # Ticket fields for SOAR tools.
    assignee: str = ""
    sla_hours: dict[str, float] = Field(
        default_factory=lambda: {
            "critical": 24.0,
            "high": 72.0,
            "medium": 720.0,
            "low": 2160.0,
            "info": 2160.0,
        }
    )

    @model_validator(mode="after")
    def _one_url(self) -> ChannelSettings:
        configured = [
            name
            for name in ("url", "url_env", "url_file")
            if getattr(self, name) is not None
        ]
        if len(configured) != 1:
            raise ValueError(
                f"channel {self.name!r} needs exactly one of url, url_env or "
                f"url_file (got {', '.join(configured) or 'none'})"
            )
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(
                f"channel {self.name!r}: url must start with http:// or https://"
            )
        return self

    @field_validator("sla_hours")
    @classmethod
    def _known_severities(cls, value: dict[str, float]) -> dict[str, float]:
        for key, hours in value.items():
            if key not in SEVERITY_NAMES:
                raise ValueError(
                    f"sla_hours key {key!r} is not a severity; use "
                    f"{', '.join(SEVERITY_NAMES)}"
                )
            if hours <= 0:
                raise ValueError(f"sla_hours.{key} must be a positive number of hours")
        return value

    def resolve_url(self) -> str:
        """Return the delivery URL, reading the environment or file it names."""
        if self.url is not None:
            return self.url
        if self.url_env is not None:
            value = os.environ.get(self.url_env, "").strip()
            if not value:
                raise ConfigError(
                    f"channel {self.name!r}: environment variable {self.url_env} "
                    "is not set; export it or change alerts.channels.url_env"
                )
            return value
        assert self.url_file is not None
        try:
            return self.url_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(
                f"channel {self.name!r}: cannot read url_file {self.url_file}: "
                f"{error.strerror}; fix the path or use url_env"
            ) from error


class AlertSettings(_Section):
    """Alert routing, channels and delivery retries."""

    routing: AlertRouting = Field(default_factory=AlertRouting)
    channels: list[ChannelSettings] = Field(default_factory=list)
    # Delivery attempts per run; a delivery that fails them all stays queued.
    max_attempts: int = Field(default=4, ge=1, le=20)
    # First retry delay; each further retry doubles it.
    backoff_seconds: float = Field(default=2.0, ge=0, le=300)
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # SQLite file with the digest queue (default: beside the store).
    state_file: Path | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> AlertSettings:
        names = [channel.name for channel in self.channels]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(
                f"channel names must be unique; rename {', '.join(duplicates)}"
            )
        return self


class ToxicpathConfig(_Section):
    """The whole configuration file."""

    store: StoreSettings = Field(default_factory=StoreSettings)
    acceptance_file: Path | None = None
    policies: Path | None = None
    # Glob on a resource id or name -> sensitivity level (low to critical).
    sensitivity: dict[str, str] = Field(default_factory=dict)
    scoring: dict[str, Any] = Field(default_factory=dict)
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("sensitivity")
    @classmethod
    def _levels(cls, value: dict[str, str]) -> dict[str, str]:
        from toxicpath.graph.model import SENSITIVITY_LEVELS

        for pattern, level in value.items():
            if level not in SENSITIVITY_LEVELS:
                raise ValueError(
                    f"sensitivity[{pattern!r}] = {level!r} is not a level; use "
                    f"{', '.join(SENSITIVITY_LEVELS)}"
                )
        return value

    @field_validator("scoring")
    @classmethod
    def _scoring(cls, value: dict[str, Any]) -> dict[str, Any]:
        from toxicpath.analysis.scoring.config import ScoringConfig

        ScoringConfig.from_mapping(value)
        return value


def default_config_path() -> Path:
    """Return `TOXICPATH_CONFIG`, else config.toml in the user config folder."""
    import platformdirs

    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_config_path("toxicpath") / "config.toml"


def load_config(path: Path | None = None) -> ToxicpathConfig:
    """Read and validate the configuration; raise ConfigError naming key and fix.

    With `path` None the default location is used, and a missing default file
    gives the defaults.
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    resolved = path if path is not None else default_config_path()
    if not resolved.exists():
        if explicit:
            raise ConfigError(
                f"configuration file {resolved} not found; create it or fix "
                f"--config / {CONFIG_ENV}"
            )
        return ToxicpathConfig()
    try:
        raw = tomllib.loads(resolved.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{resolved}: invalid TOML: {error}") from error
    except OSError as error:
        raise ConfigError(f"{resolved}: cannot read: {error.strerror}") from error
    config = parse_config(raw, source=str(resolved))
    return anchor_paths(config, base=resolved.parent)


def anchor_paths(config: ToxicpathConfig, *, base: Path) -> ToxicpathConfig:
    """Resolve the file's relative paths against `base`, the file's own folder.

    A path in a configuration file means the same file whichever folder the
    job starts in (cron starts in the home folder, Kubernetes in the image's
    working directory).
    """

    def anchored(path: Path | None) -> Path | None:
        if path is None:
            return None
        expanded = path.expanduser()
        return expanded if expanded.is_absolute() else base / expanded

    store = config.store.model_copy(
        update={
            "path": anchored(config.store.path),
            "password_file": anchored(config.store.password_file),
        }
    )
    channels = [
        channel.model_copy(update={"url_file": anchored(channel.url_file)})
        for channel in config.alerts.channels
    ]
    alerts = config.alerts.model_copy(
        update={"channels": channels, "state_file": anchored(config.alerts.state_file)}
    )
    return config.model_copy(
        update={
            "store": store,
            "alerts": alerts,
            "acceptance_file": anchored(config.acceptance_file),
            "policies": anchored(config.policies),
        }
    )


def parse_config(raw: dict[str, Any], *, source: str) -> ToxicpathConfig:
    """Validate parsed TOML data; `source` names the file in messages."""
    try:
        return ToxicpathConfig.model_validate(raw)
    except ValidationError as error:
        problems = [_describe(item) for item in error.errors()]
        raise ConfigError(
            f"{source}: {len(problems)} invalid setting(s):\n  " + "\n  ".join(problems)
        ) from None


def _describe(item: Any) -> str:
    """Turn one pydantic error into `key: problem; fix`."""
    location = [str(part) for part in item["loc"]]
    key = _dotted(location)
    kind = item["type"]
    if kind == "extra_forbidden":
        parent = location[:-1]
        allowed = _allowed_keys(parent)
        where = _dotted(parent) or "the top level"
        close = difflib.get_close_matches(location[-1], allowed, n=1)
        hint = f"rename it to {close[0]!r}" if close else "remove it"
        return (
            f"{key}: unknown key; {hint} (keys allowed in {where}: "
            f"{', '.join(allowed)})"
        )
    message = str(item["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"{key}: {message}"
    if kind == "missing":
        return f"{key}: missing; add this key"
    return f"{key or '(file)'}: {message}"


def _dotted(location: list[str]) -> str:
    parts: list[str] = []
    for part in location:
        if part.isdigit():
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts)


def _allowed_keys(parent: list[str]) -> list[str]:
    model: type[BaseModel] = ToxicpathConfig
    for part in parent:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))
        candidates = [a for a in inner if isinstance(a, type)]
        nested = [a for a in candidates if issubclass(a, BaseModel)]
        if not nested:
            return []
        model = nested[0]
    return sorted(model.model_fields)
