"""Typed configuration. Every setting is read from an environment variable ``CONSENT_GATE_<NAME>``
(or a ``.env`` file in the working directory); the defaults are documented in docs/settings.md.

Lists (channels, languages, keywords) are comma-separated in the environment.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from streams.core.intents import Band, Handling, ReplyClassifier, parse_band_policy
from streams.core.keywords import SUPPORTED_LANGUAGES, KeywordPolicy
from streams.core.replies import DEFAULT_REPLY_CHANNELS, ReplyPolicy, check_texts

CONSENT_TABLE = "consent"
DEFAULT_CHANNELS = ("SMS", "WHATSAPP", "EMAIL", "MESSENGER", "INSTAGRAM", "TELEGRAM")
_CHANNEL_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

CsvTuple = Annotated[tuple[str, ...], NoDecode]

ENV_PREFIX = "CONSENT_GATE_"
#: CONSENT_GATE_* variables that are not settings but are read elsewhere (so they are not unknown).
NOT_SETTINGS = {
    "CONSENT_GATE_SCHEMA_DIR": "the contract's schema folder (streams/models/contract.py)",
    "CONSENT_GATE_TEST_BOOTSTRAP": "the broker the integration tests use",
    "CONSENT_GATE_TEST_WORKER_SRC": "the source tree the fault run's workers run from",
    "CONSENT_GATE_TEST_CLUSTER_PORT": "the first port of the three-broker cluster test",
    "CONSENT_GATE_TEST_OUTAGE_PORT": "the port of the broker outage test's own broker",
}
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
#: A day: the shortest retention CONSENT_GATE_AUDIT_RETENTION_MS accepts, besides -1 (forever).
MIN_AUDIT_RETENTION_MS = 86_400_000
#: The largest record the gate produces by default: below aiokafka's max_request_size (1048576)
#: and the broker's default max.message.bytes (1048588), with room for the batch overhead.
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000
#: Shortest CONSENT_GATE_PSEUDONYMISE_KEY accepted (32 hex digits: 128 bits).
MIN_PSEUDONYMISE_KEY_LENGTH = 32
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")  # what Kafka accepts
#: The HTTP API's port unless CONSENT_GATE_HTTP_PORT says otherwise (Kafka Streams' habit: 60xx).
DEFAULT_HTTP_PORT = 6066
#: The shortest bearer token accepted (a guessable token is no protection for consent changes).
MIN_API_TOKEN_LENGTH = 16
_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")
_ADVERTISED_URL = re.compile(r"^https?://[^\s/?#]+$")
_HOST_PORT = re.compile(r"^[^\s:,]+:(\d{1,5})$|^\[[0-9A-Fa-f:.]+\]:(\d{1,5})$")


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
        description="The application: consumer group and prefix of internal/changelog topics",
    )
    topic_prefix: str = Field(
        "", description="Prepended to every topic name (isolates environments and tests)"
    )
    topic_inbound_replies: str = "messaging.inbound.replies"
    topic_link_clicks: str = "messaging.link.clicks"
    topic_outbound_requests: str = "messaging.outbound.requests"
    topic_consent_commands: str = "consent.commands"
    topic_delivery_reports: str = Field(
        "messaging.delivery.reports",
        description="Input: the providers' delivery reports and preference changes",
    )
    topic_outbound_channel_prefix: str = Field(
        "messaging.outbound.", description="Forwarded messages go to <prefix><channel lower-case>"
    )
    topic_suppressed: str = "messaging.outbound.suppressed"
    topic_consent_events: str = "consent.events"
    topic_deadletter: str = "consent.deadletter"
    topic_consent_stats: str = Field(
        "consent.stats", description="Output: windowed statistics per campaign x channel x type"
    )
    partitions: int = Field(
        8,
        ge=1,
        le=1024,
        description="Partitions of the internal by-contact topic and of the consent table",
    )
    output_partitions: int = Field(
        3, ge=1, description="Partitions of topics created by `consent-gate topics create`"
    )
    replication_factor: int | None = Field(
        None,
        ge=1,
        le=32,
        description="Replication factor of every topic the gate creates (unset: 3 when the "
        "cluster has 3 or more brokers available, else the number of brokers); checked at start "
        "against the brokers available",
    )
    min_insync_replicas: int | None = Field(
        None,
        ge=1,
        le=32,
        description="min.insync.replicas of every topic the gate creates (unset: 2 when the "
        "replication factor is 3 or more, else 1); at most the replication factor",
    )
    audit_retention_ms: int = Field(
        -1,
        description="retention.ms of the audit topics (consent events, suppressed messages, dead "
        "letters) when `consent-gate topics create` makes them: -1 keeps them forever, the proof "
        "of consent and of every suppression (GDPR Art. 7(1), TCPA disputes)",
    )

    changelog_topic_name: str = Field(
        "",
        description="The consent table's changelog topic, in full (empty: "
        "<CONSENT_GATE_TOPIC_PREFIX><app_id>-consent-changelog). A deployment that ran with a "
        "prefix before the prefix applied to the changelog keeps its table by setting the old "
        "name, <app_id>-consent-changelog; the worker refuses to start with an empty new "
        "changelog while the old one exists",
    )
    changelog_max_compaction_lag_ms: int = Field(
        604_800_000,
        ge=3_600_000,
        description="max.compaction.lag.ms of the table's changelog when the worker creates it: "
        "how long an erased or superseded entry (with its raw text) may stay in it",
    )

    session_timeout_s: float = Field(
        30.0,
        ge=6,
        le=300,
        description="Consumer group session timeout: how soon a crashed worker's partitions "
        "move (a restarted worker waits this long for them)",
    )
    producer_batch_bytes: int = Field(
        262_144,
        ge=16_384,
        le=1_048_576,
        description="Size of the record batches the worker builds per topic partition (a batch "
        "goes out when full or at the commit)",
    )
    max_message_bytes: int = Field(
        DEFAULT_MAX_MESSAGE_BYTES,
        ge=65_536,
        le=1_048_576,
        description="Largest record the gate produces: a dead letter that would be larger keeps "
        "only a prefix of the original value (with its size and SHA-256)",
    )

    # --- Kafka security --------------------------------------------------------------------
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How clients talk to the brokers"
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "PLAIN", description="SASL mechanism (SASL_PLAINTEXT, SASL_SSL)"
    )
    sasl_username: str = Field("", description="SASL user name")
    sasl_password: SecretStr = Field(
        SecretStr(""), description="SASL password (never logged or printed)"
    )
    sasl_password_file: str = Field(
        "", description="A file holding the SASL password, instead of CONSENT_GATE_SASL_PASSWORD"
    )
    ssl_cafile: str = Field("", description="CA certificates (PEM) to verify the brokers with")
    ssl_certfile: str = Field("", description="Client certificate (PEM), for mutual TLS")
    ssl_keyfile: str = Field("", description="The client certificate's private key (PEM)")

    # --- Exactly once and event-time order (the engine) --------------------------------------
    worker_id: str = Field(
        default_factory=socket.gethostname,
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Stable name of this worker (its transactional id is <app_id>-<worker_id>); "
        "unique per running worker, the same across its restarts",
    )
    commit_interval_ms: int = Field(
        100, ge=10, le=10_000, description="How often a transaction is committed"
    )
    commit_interval_behind_ms: int = Field(
        500,
        ge=10,
        le=10_000,
        description="How often a transaction is committed while the worker is behind (its last "
        "fetch was full: a backlog): fewer, larger transactions work through it sooner; at most "
        "CONSENT_GATE_COMMIT_INTERVAL_MS disables it",
    )
    transaction_timeout_ms: int = Field(
        10_000,
        ge=1_000,
        le=900_000,
        description="How long a crashed worker's open transaction can hold readers back",
    )
    order_grace_ms: int = Field(
        200,
        ge=0,
        le=600_000,
        description="Bound on producer clock skew plus produce delay: how far a record's "
        "timestamp may lag behind what its partition already showed. The grace in use while "
        "the producers' delay is not measured (and always, with ORDER_GRACE_MIN_MS at or above "
        "it)",
    )
    order_grace_min_ms: int | None = Field(
        None,
        ge=0,
        le=600_000,
        description="Set: the grace follows the producers' measured delay (twice the largest "
        "seen in the last 30 s on each input) and may go down to this; unset, or at or above "
        "ORDER_GRACE_MS: a fixed grace (ORDER_GRACE_MS, widened while producers lag)",
    )
    local_path: bool = Field(
        False,
        description="Hand a routed copy, and the watermarks, directly to the gate partition when "
        "this worker owns it (saves a commit and a fetch per decision; opt-in: it fell behind "
        "sooner under sustained load in the benchmark); false: always through the by-contact topic",
    )
    max_hold_ms: int = Field(
        60_000,
        ge=100,
        le=3_600_000,
        description="Longest a record waits for the other inputs to catch up",
    )
    hold_expiry: Literal["suppress", "decide"] = Field(
        "suppress",
        description="What a CAMPAIGN send whose hold expired gets: suppressed (reason "
        "ORDER_UNCERTAIN) or decided on the consent known then",
    )
    max_held: int = Field(
        50_000,
        ge=100,
        description="Most records one by-contact partition holds at once (then the oldest "
        "are released as if their hold expired)",
    )
    fetch_max_records: int = Field(
        2_000, ge=1, le=100_000, description="Most records taken from Kafka per batch"
    )

    # --- State -----------------------------------------------------------------------------
    data_dir: Path = Field(Path(".local/state"), description="Where the RocksDB state lives")

    # --- Policy ----------------------------------------------------------------------------
    channels: CsvTuple = Field(DEFAULT_CHANNELS, description="Known channels (upper-case)")
    default_subscribed: bool = Field(
        True, description="State of a contact never seen on a channel; false = strict opt-in"
    )
    keyword_languages: CsvTuple = Field(
        ("all",),
        description=f"Keyword packs and plain-language rules to switch on, of "
        f"{','.join(SUPPORTED_LANGUAGES)}, or all (STOP, START and HELP are always on)",
    )
    extra_opt_out_keywords: CsvTuple = ()
    extra_opt_in_keywords: CsvTuple = ()
    extra_help_keywords: CsvTuple = ()
    act_on_contained_keyword: bool = Field(
        False,
        description="Opt out on a reply that only contains an opt-out keyword: the same as "
        "possible=act in CONSENT_GATE_PLAIN_LANGUAGE_POLICY (default: POSSIBLE_OPT_OUT, review)",
    )
    plain_language: bool = Field(
        True,
        description='Read plain-language opt-outs ("take me off your list", "non '
        'scrivetemi più"); false: keywords only',
    )
    plain_language_policy: str = Field(
        "certain=act,likely=act,possible=review",
        description="What each confidence band does, band=act|review|none: certain always "
        "acts; likely=review sends likely opt-outs to review (POSSIBLE_OPT_OUT) instead",
    )
    review_deadline_days: int = Field(
        10,
        ge=1,
        le=60,
        description="Business days a POSSIBLE_OPT_OUT may wait for review before `consent-gate "
        "review list` calls it overdue (US TCPA: 10)",
    )
    max_text_length: int = Field(
        4096, ge=1, description="Longer reply texts are dead-lettered as TEXT_TOO_LONG"
    )
    reply_channels: CsvTuple = Field(
        DEFAULT_REPLY_CHANNELS,
        description="Channels that get the opt-out confirmation and the help text (empty: none)",
    )
    reply_texts: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description='Reply texts as JSON, {"kind[.CHANNEL][.lang]": text}, kind '
        "opt-out-confirmation or help; over English defaults",
    )

    # --- Analytics -------------------------------------------------------------------------
    attribution_window_ms: int = Field(
        7 * 24 * 3_600_000,
        ge=0,
        le=366 * 24 * 3_600_000,
        description="An opt-out without a campaign id is attributed to the last campaign message "
        "forwarded to the contact on that channel at most this long before it",
    )
    stats_grace_ms: int = Field(
        300_000,
        ge=0,
        le=7 * 24 * 3_600_000,
        description="How long after a statistics window ends (in event time) late inputs still "
        "count; then its final row goes out",
    )
    stats_update_interval_ms: int = Field(
        10_000,
        ge=0,
        le=3_600_000,
        description="Running (final=false) statistics rows of a key go out at most this often",
    )
    unit_prices: CsvTuple = Field(
        ("SMS=0.0079", "WHATSAPP=0.005", "EMAIL=0.0001"),
        description="Price of one message per channel (CHANNEL=price), for the cost saved by "
        "suppression; a channel not listed costs 0",
    )
    currency: str = Field(
        "USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency of the unit prices"
    )

    # --- HTTP API (streams/api) -------------------------------------------------------------
    http_port: int = Field(
        DEFAULT_HTTP_PORT,
        ge=0,
        le=65535,
        description="Port of the worker's HTTP API (consent, /healthz, /readyz, /metrics); 0 = off",
    )
    http_host: str = Field("0.0.0.0", min_length=1, description="Address the HTTP API listens on")
    advertised_url: str = Field(
        "",
        description="How the other workers reach this one's HTTP API (default "
        "http://<host name>:<http_port>)",
    )
    api_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token for the /consent endpoints; without one, opt-out/opt-in are off",
    )
    api_insecure_demo: bool = Field(
        False,
        description="Local demo only: opt-out/opt-in without a token (broker and HTTP API on "
        "this machine only)",
    )
    api_timeout_ms: int = Field(
        5_000,
        ge=100,
        le=120_000,
        description="The longest the HTTP API waits for Kafka to acknowledge a command, or for "
        "another worker to answer a forwarded lookup, before it answers 503 with Retry-After; "
        "the CLI's requests to the API wait this plus 2 s",
    )
    ready_max_lag: int = Field(
        10_000,
        ge=0,
        description="/readyz answers 503 while any assigned partition is more records behind",
    )

    # --- Operations ------------------------------------------------------------------------
    log_level: str = Field("info", description="Level of consent-gate's own logs")
    library_log_level: str = Field("warning", description="Level of the libraries' (aiokafka) logs")
    progress_interval_s: float = Field(
        30.0, gt=0, description="Seconds between the worker's progress log lines"
    )

    # --- Analysts (report, exports) -----------------------------------------------------------
    pseudonymise_key: SecretStr = Field(
        SecretStr(""),
        description="When set, the exports carry HMAC-SHA256(key, contact_id) instead of the "
        "contact id (never logged or printed)",
    )

    @field_validator(
        "channels",
        "keyword_languages",
        "extra_opt_out_keywords",
        "extra_opt_in_keywords",
        "extra_help_keywords",
        "reply_channels",
        "unit_prices",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("reply_texts", mode="before")
    @classmethod
    def _json_mapping(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if not value.strip():
            return {}
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"not JSON ({exc.args[0]})") from None
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
        ):
            raise ValueError('must be a JSON object of texts, {"kind[.CHANNEL][.lang]": "text"}')
        return parsed

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
        if langs == ("all",):
            return SUPPORTED_LANGUAGES
        if not langs:
            raise ValueError(
                f"at least one language is needed (of {','.join(SUPPORTED_LANGUAGES)}), "
                "or no reply would ever opt anyone out"
            )
        unknown = [v for v in langs if v not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}; supported: {SUPPORTED_LANGUAGES}")
        return langs

    @field_validator("plain_language_policy")
    @classmethod
    def _band_policy(cls, value: str) -> str:
        parse_band_policy(value)  # the band rules live there
        return value

    @field_validator("extra_opt_out_keywords", "extra_opt_in_keywords", "extra_help_keywords")
    @classmethod
    def _keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        KeywordPolicy((), extra_opt_out=value)  # the keyword rules live there
        return value

    @field_validator("log_level", "library_log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in LOG_LEVELS:
            return value.strip().lower()
        raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")

    @field_validator("security_protocol", "sasl_mechanism", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("bootstrap_servers")
    @classmethod
    def _bootstrap_servers(cls, value: str) -> str:
        servers = [s.strip() for s in value.split(",")]
        for server in servers:
            match = _HOST_PORT.match(server)
            port = match and int(match.group(1) or match.group(2))
            if not port or port > 65535:
                raise ValueError(f"{server!r} is not host:port")
        return ",".join(servers)

    @field_validator("pseudonymise_key")
    @classmethod
    def _pseudonymise_key(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value()
        if key and len(key) < MIN_PSEUDONYMISE_KEY_LENGTH:
            raise ValueError(
                f"must be empty (off) or at least {MIN_PSEUDONYMISE_KEY_LENGTH} characters "
                "(e.g. `openssl rand -hex 32`): a short key lets anyone who guesses it turn "
                "the pseudonyms back into phone numbers"
            )
        return value

    @field_validator("audit_retention_ms")
    @classmethod
    def _audit_retention(cls, value: int) -> int:
        if value != -1 and value < MIN_AUDIT_RETENTION_MS:
            raise ValueError(
                f"must be -1 (forever) or at least {MIN_AUDIT_RETENTION_MS} (a day): "
                "the audit topics are the proof of consent and of every suppression"
            )
        return value

    @model_validator(mode="after")
    def _keywords_mean_what_they_say(self) -> Settings:
        """An extra opt-in or help keyword that is already an opt-out keyword would stay one
        (opt-out always wins): refused rather than silently ignored."""
        policy = self.keyword_policy()
        kinds = {"OPT_OUT": "an opt-out", "HELP": "a help", "OPT_IN": "an opt-in"}
        for name, intent, words in (
            ("extra_opt_in_keywords", "OPT_IN", self.extra_opt_in_keywords),
            ("extra_help_keywords", "HELP", self.extra_help_keywords),
        ):
            for word in words:
                actual = policy.keyword_intent(word)
                if actual != intent:
                    raise ValueError(
                        f"{ENV_PREFIX}{name.upper()} has {word!r}, which is already "
                        f"{kinds[actual]} keyword and stays one: remove it"
                    )
        return self

    @model_validator(mode="after")
    def _contained_and_bands_agree(self) -> Settings:
        given = "plain_language_policy" in self.model_fields_set
        possible = parse_band_policy(self.plain_language_policy)
        if self.act_on_contained_keyword and given and possible[Band.POSSIBLE] is not Handling.ACT:
            raise ValueError(
                f"{ENV_PREFIX}ACT_ON_CONTAINED_KEYWORD=true asks possible opt-outs to act but "
                f"{ENV_PREFIX}PLAIN_LANGUAGE_POLICY says otherwise: set possible=act there and "
                "unset the former"
            )
        return self

    @model_validator(mode="after")
    def _replies(self) -> Settings:
        """Reply channels must be known channels (the default keeps those that are), and every
        text key must say what it is for: a typo would silently send the default text."""
        given = "reply_channels" in self.model_fields_set
        wanted = tuple(dict.fromkeys(c.upper() for c in self.reply_channels))
        unknown = [c for c in wanted if c not in self.channels]
        if unknown and given:
            raise ValueError(
                f"{ENV_PREFIX}REPLY_CHANNELS has {unknown[0]}, which is not in "
                f"{ENV_PREFIX}CHANNELS: add it there or remove it"
            )
        object.__setattr__(self, "reply_channels", tuple(c for c in wanted if c in self.channels))
        try:
            object.__setattr__(self, "reply_texts", check_texts(self.reply_texts, self.channels))
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}REPLY_TEXTS: {exc}") from None
        return self

    def _unit_prices(self) -> Settings:
        self.unit_price_map  # noqa: B018 (refuses a bad price list at start)
        return self

    @property
    def unit_price_map(self) -> dict[str, float]:
        """CONSENT_GATE_UNIT_PRICES as channel -> price."""
        prices: dict[str, float] = {}
        for item in self.unit_prices:
            channel, sep, price = item.partition("=")
            channel = channel.strip().upper()
            try:
                value = float(price) if sep else -1.0
            except ValueError:
                value = -1.0
            if not value >= 0 or value == float("inf"):
                raise ValueError(
                    f"{ENV_PREFIX}UNIT_PRICES has {item!r}: write CHANNEL=price, e.g. SMS=0.0079"
                )
            if channel not in self.channels:
                if "unit_prices" not in self.model_fields_set:
                    continue  # a default price of a channel not in use
                raise ValueError(
                    f"{ENV_PREFIX}UNIT_PRICES names {channel}, which is not in "
                    f"{ENV_PREFIX}CHANNELS ({','.join(self.channels)})"
                )
            if channel in prices:
                raise ValueError(f"{ENV_PREFIX}UNIT_PRICES names {channel} twice")
            prices[channel] = value
        return prices

    @model_validator(mode="after")
    def _commits_within_the_transaction_timeout(self) -> Settings:
        """A transaction stays open at least a commit interval: one near the transaction
        timeout would be aborted by the broker, again and again, and nothing would commit."""
        timeout = self.transaction_timeout_ms
        for name in ("commit_interval_ms", "commit_interval_behind_ms"):
            value = getattr(self, name)
            if value * 2 > timeout:
                raise ValueError(
                    f"{ENV_PREFIX}{name.upper()} ({value}) is more than half of "
                    f"{ENV_PREFIX}TRANSACTION_TIMEOUT_MS ({timeout}): a transaction could outlive "
                    f"the timeout and be aborted; set it to at most {timeout // 2}"
                )
        return self

    @model_validator(mode="after")
    def _replication(self) -> Settings:
        rf, isr = self.replication_factor, self.min_insync_replicas
        if rf is not None and isr is not None and isr > rf:
            raise ValueError(
                f"{ENV_PREFIX}MIN_INSYNC_REPLICAS ({isr}) is larger than "
                f"{ENV_PREFIX}REPLICATION_FACTOR ({rf}), so no write could ever succeed: "
                f"set it to at most {rf}"
            )
        return self

    @model_validator(mode="after")
    def _security(self) -> Settings:
        sasl = self.security_protocol.startswith("SASL_")
        tls = self.security_protocol.endswith("SSL")
        p = f"{ENV_PREFIX}SECURITY_PROTOCOL is {self.security_protocol}"
        given = {
            "sasl_username": bool(self.sasl_username),
            "sasl_password": bool(self.sasl_password.get_secret_value()),
            "sasl_password_file": bool(self.sasl_password_file),
            "ssl_cafile": bool(self.ssl_cafile),
            "ssl_certfile": bool(self.ssl_certfile),
            "ssl_keyfile": bool(self.ssl_keyfile),
        }
        for name, is_set in given.items():
            needed = "SASL_PLAINTEXT or SASL_SSL" if name.startswith("sasl_") else "SSL or SASL_SSL"
            if is_set and not (sasl if name.startswith("sasl_") else tls):
                raise ValueError(
                    f"{ENV_PREFIX}{name.upper()} is set but {p}, so it would not be used: "
                    f"set {ENV_PREFIX}SECURITY_PROTOCOL to {needed}, or unset it"
                )
        if sasl:
            if not self.sasl_username:
                raise ValueError(f"{p}: set {ENV_PREFIX}SASL_USERNAME")
            if given["sasl_password"] == given["sasl_password_file"]:
                raise ValueError(
                    f"{p}: set either {ENV_PREFIX}SASL_PASSWORD or {ENV_PREFIX}SASL_PASSWORD_FILE"
                )
        if self.ssl_keyfile and not self.ssl_certfile:
            raise ValueError(f"{ENV_PREFIX}SSL_KEYFILE is set: set {ENV_PREFIX}SSL_CERTFILE too")
        for name in ("sasl_password_file", "ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            path = getattr(self, name)
            if path and not os.access(path, os.R_OK):
                raise ValueError(f"{ENV_PREFIX}{name.upper()}={path} is not a readable file")
        if self.sasl_password_file and not self.sasl_secret():
            raise ValueError(f"{ENV_PREFIX}SASL_PASSWORD_FILE={self.sasl_password_file} is empty")
        if tls and (self.ssl_cafile or self.ssl_certfile):
            from streams.kafka.security import ssl_context  # the TLS rules live there

            try:
                ssl_context(self)
            except SettingsError as exc:
                raise ValueError(str(exc).rstrip(".")) from None
        return self

    @model_validator(mode="after")
    def _http_api(self) -> Settings:
        token = self.api_token.get_secret_value()
        if token and (len(token) < MIN_API_TOKEN_LENGTH or token != token.strip()):
            raise ValueError(
                f"{ENV_PREFIX}API_TOKEN must be at least {MIN_API_TOKEN_LENGTH} characters "
                "without surrounding spaces (e.g. `openssl rand -hex 32`)"
            )
        if self.advertised_url and not _ADVERTISED_URL.match(self.advertised_url):
            raise ValueError(
                f"{ENV_PREFIX}ADVERTISED_URL={self.advertised_url} must be http(s)://host:port "
                "with no path"
            )
        if self.api_insecure_demo:
            brokers = [h.rsplit(":", 1)[0] for h in self.bootstrap_servers.split(",")]
            if token:
                raise ValueError(
                    f"{ENV_PREFIX}API_INSECURE_DEMO and {ENV_PREFIX}API_TOKEN are both set, and "
                    "the token would not be asked for: unset one"
                )
            if not all(h in _LOOPBACK for h in [*brokers, self.http_host]):
                raise ValueError(
                    f"{ENV_PREFIX}API_INSECURE_DEMO lets anyone change consent, so it is only "
                    "for a broker and an HTTP API on this machine (localhost), not "
                    f"{self.bootstrap_servers} and {self.http_host}: set {ENV_PREFIX}API_TOKEN"
                )
        return self

    @model_validator(mode="after")
    def _topic_names_legal(self) -> Settings:
        for name in (*self.input_topics, *self.output_topics, *self.internal_topics):
            if not _TOPIC_NAME.match(name) or name in (".", ".."):
                raise ValueError(
                    f"{name!r} is not a Kafka topic name (letters, digits, '.', '_', '-', at most "
                    "249): fix CONSENT_GATE_TOPIC_PREFIX, CONSENT_GATE_APP_ID or the "
                    "CONSENT_GATE_TOPIC_* variables"
                )
        return self

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

    # --- Derived values --------------------------------------------------------------------
    def keyword_policy(self) -> ReplyClassifier:
        """The reply classifier: keyword packs, plain-language rules and the band policy (the
        same object for the worker, ``consent-gate classify`` and the benchmarks)."""
        bands = parse_band_policy(self.plain_language_policy)
        if self.act_on_contained_keyword:
            bands = {**bands, Band.POSSIBLE: Handling.ACT}
        return ReplyClassifier(
            KeywordPolicy(
                self.keyword_languages,
                extra_opt_out=self.extra_opt_out_keywords,
                extra_opt_in=self.extra_opt_in_keywords,
                extra_help=self.extra_help_keywords,
            ),
            plain_language=self.plain_language,
            band_policy=bands,
        )

    def reply_policy(self) -> ReplyPolicy:
        return ReplyPolicy.build(self.reply_channels, self.reply_texts)

    def sasl_secret(self) -> str:
        """The SASL password, from CONSENT_GATE_SASL_PASSWORD or the file (one trailing newline
        taken off)."""
        if self.sasl_password_file:
            text = Path(self.sasl_password_file).read_text(encoding="utf-8")
            return text[:-1] if text.endswith("\n") else text
        return self.sasl_password.get_secret_value()

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
    def reports_topic(self) -> str:
        return self.topic(self.topic_delivery_reports)

    @property
    def suppressed_topic(self) -> str:
        return self.topic(self.topic_suppressed)

    @property
    def events_topic(self) -> str:
        return self.topic(self.topic_consent_events)

    @property
    def deadletter_topic(self) -> str:
        return self.topic(self.topic_deadletter)

    @property
    def stats_topic(self) -> str:
        return self.topic(self.topic_consent_stats)

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
        """The consent table's changelog (``<prefix><app_id>-<table>-changelog``, or
        CONSENT_GATE_CHANGELOG_TOPIC), compacted."""
        return self.changelog_topic_name or self.topic(self.legacy_changelog_topic)

    @property
    def legacy_changelog_topic(self) -> str:
        """The changelog's name before the topic prefix applied to it (``<app_id>-consent-
        changelog``): the start-up check looks for it (``streams.kafka.admin``)."""
        return f"{self.app_id}-{CONSENT_TABLE}-changelog"

    @property
    def replay_marks_topic(self) -> str:
        """Which dead letters `consent-gate deadletter replay` re-published (compacted)."""
        return self.topic(f"{self.app_id}-deadletter-replays")

    @property
    def reviews_topic(self) -> str:
        """The decisions on possible opt-outs (`consent-gate review`; compacted)."""
        return self.topic(f"{self.app_id}-reviews")

    @property
    def transactional_id(self) -> str:
        return f"{self.app_id}-{self.worker_id}"

    @property
    def input_topics(self) -> list[str]:
        return [
            self.replies_topic,
            self.clicks_topic,
            self.requests_topic,
            self.commands_topic,
            self.reports_topic,
        ]

    @property
    def consent_topics(self) -> list[str]:
        """The inputs that change consent (a send waits until they have been read up to it)."""
        return [self.replies_topic, self.clicks_topic, self.commands_topic, self.reports_topic]

    @property
    def output_topics(self) -> list[str]:
        return [
            *self.channel_topics.values(),
            self.suppressed_topic,
            self.events_topic,
            self.deadletter_topic,
            self.stats_topic,
        ]

    @property
    def audit_topics(self) -> list[str]:
        """The proof: kept for CONSENT_GATE_AUDIT_RETENTION_MS (never compacted)."""
        return [self.events_topic, self.suppressed_topic, self.deadletter_topic]

    @property
    def internal_topics(self) -> list[str]:
        return [self.by_contact_topic, self.changelog_topic]

    @property
    def api_url(self) -> str:
        """How the other workers reach this worker's HTTP API ("" when it is off)."""
        if not self.http_port:
            return ""
        return self.advertised_url or f"http://{socket.gethostname()}:{self.http_port}"

    @property
    def broker_url(self) -> str:
        return ",".join(f"kafka://{s.strip()}" for s in self.bootstrap_servers.split(","))


class SettingsError(ValueError):
    """A bad setting, explained in one sentence."""


def known_variables() -> list[str]:
    """Every CONSENT_GATE_* variable consent-gate reads."""
    return sorted([*(f"{ENV_PREFIX}{n.upper()}" for n in Settings.model_fields), *NOT_SETTINGS])


def check_variable_names(names: Iterable[str], where: str = "environment variable") -> None:
    """A CONSENT_GATE_* name that is no setting is a typo or a setting that no longer exists:
    either way what it says would silently not apply, so it is refused."""
    known = known_variables()
    suffixes = [k.removeprefix(ENV_PREFIX) for k in known]
    for name in sorted(names):
        upper = name.upper()
        if upper.startswith(ENV_PREFIX) and upper not in known:
            close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX), suffixes, n=1)
            fix = f"rename it to {ENV_PREFIX}{close[0]} or remove it" if close else "remove it"
            raise SettingsError(
                f"Unknown setting {name} ({where}): {fix} (docs/settings.md lists every setting)."
            )


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (and ``.env``), or a :class:`SettingsError` that names the
    variable to fix."""
    check_variable_names(os.environ)
    env_file = overrides.get("_env_file", Settings.model_config.get("env_file"))
    if isinstance(env_file, str | Path) and Path(env_file).is_file():
        check_variable_names(dotenv_values(env_file), f"in {env_file}")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not err["loc"]:  # a rule across several settings: the message names them
            raise SettingsError(f"Bad settings: {msg}.") from None
        env = f"{ENV_PREFIX}{str(err['loc'][0]).upper()}"
        raise SettingsError(
            f"Bad setting {env}: {msg}; fix the environment variable (see docs/settings.md)."
        ) from None
