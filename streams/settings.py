"""Typed configuration. Every setting is read from an environment variable ``CONSENT_GATE_<NAME>``
(or a ``.env`` file in the working directory); the defaults are documented in the README.

Lists (channels, languages, keywords) are comma-separated in the environment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from streams.core.keywords import SUPPORTED_LANGUAGES

CONSENT_TABLE = "consent"
DEFAULT_CHANNELS = ("SMS", "WHATSAPP", "EMAIL", "MESSENGER", "INSTAGRAM", "TELEGRAM")
_CHANNEL_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

CsvTuple = Annotated[tuple[str, ...], NoDecode]


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    """All settings of the worker, the CLI and the demo."""

    model_config = SettingsConfigDict(
        env_prefix="CONSENT_GATE_", env_file=".env", extra="ignore", frozen=True
    )

    # --- Kafka -----------------------------------------------------------------------------
    bootstrap_servers: str = Field(
        "localhost:9092", description="Kafka bootstrap servers, host:port[,host:port]"
    )
    app_id: str = Field(
        "consent-gate",
        description="Faust app id: consumer group and prefix of internal/changelog topics",
    )
    topic_prefix: str = Field(
        "", description="Prepended to every topic name (isolates environments and tests)"
    )
    topic_inbound_replies: str = "messaging.inbound.replies"
    topic_link_clicks: str = "messaging.link.clicks"
    topic_outbound_requests: str = "messaging.outbound.requests"
    topic_consent_commands: str = "consent.commands"
    topic_outbound_channel_prefix: str = Field(
        "messaging.outbound.", description="Forwarded messages go to <prefix><channel lower-case>"
    )
    topic_suppressed: str = "messaging.outbound.suppressed"
    topic_consent_events: str = "consent.events"
    topic_deadletter: str = "consent.deadletter"
    partitions: int = Field(
        8,
        ge=1,
        le=1024,
        description="Partitions of the internal by-contact topic and of the consent table",
    )
    output_partitions: int = Field(
        3, ge=1, description="Partitions of topics created by `consent-gate topics create`"
    )
    replication_factor: int = Field(
        1, ge=1, description="Replication factor of every topic the gate creates"
    )

    session_timeout_s: float = Field(
        30.0,
        ge=6,
        le=300,
        description="Consumer group session timeout: how soon a crashed worker's partitions "
        "move (a restarted worker waits this long for them)",
    )
    producer_linger_ms: int = Field(
        5, ge=0, description="How long the producer waits to fill a batch (throughput vs latency)"
    )

    # --- State -----------------------------------------------------------------------------
    data_dir: Path = Field(Path(".local/state"), description="Where the RocksDB tables live")
    store: str = Field("rocksdb://", description="Faust table store: rocksdb:// or memory://")

    # --- Policy ----------------------------------------------------------------------------
    channels: CsvTuple = Field(DEFAULT_CHANNELS, description="Known channels (upper-case)")
    default_subscribed: bool = Field(
        True, description="State of a contact never seen on a channel; false = strict opt-in"
    )
    keyword_languages: CsvTuple = Field(("en",), description=f"Of {SUPPORTED_LANGUAGES}")
    extra_opt_out_keywords: CsvTuple = ()
    extra_opt_in_keywords: CsvTuple = ()
    extra_help_keywords: CsvTuple = ()
    act_on_contained_keyword: bool = Field(
        False,
        description="Opt out on a reply that only contains an opt-out keyword "
        "(default: flag it as POSSIBLE_OPT_OUT and change nothing)",
    )
    max_text_length: int = Field(
        4096, ge=1, description="Longer reply texts are dead-lettered as TEXT_TOO_LONG"
    )

    # --- Operations ------------------------------------------------------------------------
    log_level: str = Field("info", description="Level of consent-gate's own logs")
    library_log_level: str = Field("warning", description="Level of Faust/aiokafka logs")
    progress_interval_s: float = Field(
        30.0, gt=0, description="Seconds between the worker's progress log lines"
    )
    web_enabled: bool = Field(False, description="Faust's web server (stats pages)")
    web_port: int = 6066

    @field_validator(
        "channels",
        "keyword_languages",
        "extra_opt_out_keywords",
        "extra_opt_in_keywords",
        "extra_help_keywords",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        channels = tuple(dict.fromkeys(c.strip().upper() for c in value))
        if not channels:
            raise ValueError("at least one channel is needed")
        for c in channels:
            if not _CHANNEL_NAME.match(c):
                raise ValueError(f"channel {c!r} must be letters, digits and _ only")
        return channels

    @field_validator("keyword_languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        langs = tuple(v.lower() for v in value)
        unknown = [v for v in langs if v not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}; supported: {SUPPORTED_LANGUAGES}")
        return langs

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        if value not in ("rocksdb://", "memory://"):
            raise ValueError("must be rocksdb:// or memory://")
        return value

    @model_validator(mode="after")
    def _topics_distinct(self) -> Settings:
        names = [*self.input_topics, *self.output_topics]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(
                f"topic names must all be different, but {', '.join(twice)} is used twice: "
                "fix CONSENT_GATE_CHANNELS or the CONSENT_GATE_TOPIC_* variables"
            )
        return self

    # --- Derived names ---------------------------------------------------------------------
    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def replies_topic(self) -> str:
        return self.topic(self.topic_inbound_replies)

    @property
    def clicks_topic(self) -> str:
        return self.topic(self.topic_link_clicks)

    @property
    def requests_topic(self) -> str:
        return self.topic(self.topic_outbound_requests)

    @property
    def commands_topic(self) -> str:
        return self.topic(self.topic_consent_commands)

    @property
    def suppressed_topic(self) -> str:
        return self.topic(self.topic_suppressed)

    @property
    def events_topic(self) -> str:
        return self.topic(self.topic_consent_events)

    @property
    def deadletter_topic(self) -> str:
        return self.topic(self.topic_deadletter)

    def channel_topic(self, channel: str) -> str:
        return self.topic(f"{self.topic_outbound_channel_prefix}{channel.lower()}")

    @property
    def channel_topics(self) -> dict[str, str]:
        return {c: self.channel_topic(c) for c in self.channels}

    @property
    def by_contact_topic(self) -> str:
        """Internal repartition topic: every input, keyed and partitioned by contact id."""
        return self.topic(f"{self.app_id}-by-contact")

    @property
    def changelog_topic(self) -> str:
        """The consent table's changelog (Faust's naming: ``<app_id>-<table>-changelog``)."""
        return f"{self.app_id}-{CONSENT_TABLE}-changelog"

    @property
    def input_topics(self) -> list[str]:
        return [self.replies_topic, self.clicks_topic, self.requests_topic, self.commands_topic]

    @property
    def output_topics(self) -> list[str]:
        return [
            *self.channel_topics.values(),
            self.suppressed_topic,
            self.events_topic,
            self.deadletter_topic,
        ]

    @property
    def broker_url(self) -> str:
        return ",".join(f"kafka://{s.strip()}" for s in self.bootstrap_servers.split(","))


class SettingsError(ValueError):
    """A bad setting, explained in one sentence."""


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, or a :class:`SettingsError` that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        if not err["loc"]:  # a rule across several settings: the message names them
            raise SettingsError(f"Bad settings: {err['msg']}.") from None
        env = f"CONSENT_GATE_{str(err['loc'][0]).upper()}"
        raise SettingsError(
            f"Bad setting {env}: {err['msg']}. Fix the environment variable "
            f"(see the README's settings table)."
        ) from None
