"""``RunConfig``: every option of a run, frozen; the stage settings built from it.

The CLI and a notebook build the same object (``RunConfig(manifest=..., out=...)`` or
``load_job("jobs/nightly.toml", overrides)``, :mod:`docbatch.jobfile`), so a run behaves the
same whichever way it was started.

``RunConfig`` is what users write; no stage reads it.  :meth:`RunConfig.stages` turns it,
once per run, into one small typed settings object per stage (engine, sources, retry,
rate, parsing, outputs), and each stage takes only its own.  The environment is read here
and nowhere else (the redaction key), and the run date is fixed here once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import math
import os
import re
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from .errors import ConfigError
from .shards import Shard, resolve as resolve_shard

FORMATS = ("parquet", "csv")
#: ``tps = "auto"``: start from the account's quota in Service Quotas (:mod:`docbatch.quota`).
AUTO_TPS = "auto"
#: Where documents are processed (``--executor``): this machine's pool, or a Ray cluster.
EXECUTORS = ("local", "ray")


def default_cache_dir() -> str:
    """Responses are cached across runs (tomorrow's manifest may repeat today's images)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "docbatch", "responses")


def iso_currency(code: str | None, option: str) -> str | None:
    """An option's currency as an ISO 4217 code (three letters, any case), else refused: a ``$``
    given here would be written as the currency of every receipt it resolves."""
    if code is None or not code.strip():
        return None
    clean = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", clean):
        raise ConfigError(f"{option} {code!r} is not an ISO 4217 currency code (three letters: USD, MYR, EUR)")
    return clean

@dataclass(frozen=True)
class EngineSettings:
    """What an engine is built from; each engine reads what it needs (its own options it declares)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    replay_dir: str | None = None
    min_confidence: float = 0.0
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceSettings:
    """How documents' bytes are read (the S3 client for ``s3://`` sources)."""

    region: str | None = None
    profile: str | None = None
    s3_endpoint_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_pool: int = 10


@dataclass(frozen=True)
class RetrySettings:
    """The one retry layer's budget (transient errors only)."""

    max_attempts: int = 8
    max_seconds: float = 300.0
    backoff_base: float = 0.5
    backoff_max: float = 20.0


@dataclass(frozen=True)
class RateSettings:
    """Client-side pacing of paid calls and the number of workers."""

    #: calls/s, or ``AUTO_TPS`` (the account's quota)
    tps: float | str = 5.0
    burst: float | None = None
    concurrency: int | None = None
    #: Shards sharing the account's quota: each paces at ``tps / share`` (``auto`` too).
    share: int = 1


@dataclass(frozen=True)
class ParseSettings:
    """Everything parsers may depend on besides the response: locale hints, the run date, redaction."""

    date_order: str | None = None
    decimal_separator: str | None = None
    default_currency: str | None = None
    run_date: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    redact: bool = False
    #: HMAC key for redacted hashes (``DOCBATCH_REDACT_KEY``); without one, common names
    #: could be guessed back from a plain hash.
    redact_key: bytes | None = field(default=None, repr=False)

    @property
    def redact_key_id(self) -> str | None:
        """The redaction key's fingerprint for run.json (None: no key, or no redaction): shards or
        re-parses that hashed with another key, or with none, are told apart by it, while the key
        cannot be read back from it (an HMAC of a fixed text under the key)."""
        if not self.redact or self.redact_key is None:
            return None
        return hmac.new(self.redact_key, b"docbatch redact key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class OutputSettings:
    """Which formats the tables are written in, and how many documents go in one part."""

    formats: tuple[str, ...] = ("parquet",)
    part_rows: int = 50_000
    #: Hive-style partition keys (``--partition-by``; :data:`~docbatch.parse.catalog.PARTITION_KEYS`).
    partition_by: tuple[str, ...] = ()


#: The parse and output settings that do not shape the tables' rows, each with why: shards may
#: differ in them and a re-parse need not record them.  Every other field does (:func:`table_settings`).
_NOT_TABLE_SHAPING = {
    "run_date": "each run's own day (a shard re-run tomorrow is still one dataset; run.json's timings say it)",
    "redact_key": "a secret: run.json records its fingerprint, redact_key_id",
    "part_rows": "how many documents go in one part file, not what the rows hold",
}


def table_settings(parse: ParseSettings, output: OutputSettings) -> dict[str, Any]:
    """The options the tables were built with, as run.json's ``config`` records them (lists, not
    tuples): a run writes them, a re-parse writes what it rebuilt with, and ``docbatch merge``
    refuses shards that differ in one (rows parsed, redacted or laid out two ways in one dataset).

    Derived from the settings' fields, so an option added to :class:`ParseSettings` or
    :class:`OutputSettings` is recorded and compared unless :data:`_NOT_TABLE_SHAPING` says why not.
    """
    values = {f.name: getattr(settings, f.name) for settings in (output, parse)
              for f in dataclasses.fields(settings) if f.name not in _NOT_TABLE_SHAPING}
    values["redact_key_id"] = parse.redact_key_id
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


#: Every run.json ``config`` key the tables depend on: :func:`table_settings`' keys and the
#: manifest's default ``doc_type`` (read into each document's journal row, which a re-parse keeps).
TABLE_SETTINGS: tuple[str, ...] = ("doc_type", *table_settings(ParseSettings(), OutputSettings()))


@dataclass(frozen=True)
class RunPolicy:
    """What the runner decides: resume, the response cache, when to give up."""

    cache_dir: str | None = None
    retry_failed: bool = False
    replace: bool = False
    max_failure_rate: float | None = None
    min_docs_for_failure_rate: int = 50
    progress_interval: float = 10.0
    max_calls: int | None = None
    #: Seconds a run waits for a run folder another run holds (its heartbeat may stop: then taken over).
    lock_wait: float = 0.0


@dataclass(frozen=True)
class ExecutorSettings:
    """Where the workers run (:mod:`docbatch.executors`): ``local`` (threads or processes on this
    machine, as the engine asks) or ``ray`` (actors on the cluster at ``ray_address``)."""

    kind: str = "local"
    #: ``ray.init``'s address: None (Ray's default: $RAY_ADDRESS, else a new local instance),
    #: ``local`` (always a new local instance), ``auto`` or ``ray://host:10001``.
    ray_address: str | None = None


#: ``auto`` reads a capped answer on in regions (engines with a word cap); ``off`` keeps it.
TILING_MODES = ("auto", "off")


@dataclass(frozen=True)
class TilingSettings:
    """Whether an answer holding the engine's word cap is read on in regions (:mod:`docbatch.tiling`)."""

    enabled: bool = True
    #: Calls spent on one document at most, the first included (then its words stay lost).
    max_tiles: int = 16


@dataclass(frozen=True)
class Stages:
    """One run's settings, stage by stage (built once by :meth:`RunConfig.stages`)."""

    engine: EngineSettings
    sources: SourceSettings
    retry: RetrySettings
    rate: RateSettings
    parse: ParseSettings
    output: OutputSettings
    policy: RunPolicy
    tiling: TilingSettings = field(default_factory=TilingSettings)
    #: The part of the manifest this run does (None: all of it; see :mod:`docbatch.shards`).
    shard: Shard | None = None
    executor: ExecutorSettings = field(default_factory=ExecutorSettings)


def redact_key_from_env(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The redaction HMAC key (``DOCBATCH_REDACT_KEY``), the one place it is read."""
    env = os.environ if environ is None else environ
    return (env.get("DOCBATCH_REDACT_KEY") or "").encode() or None


def parse_settings(values: Mapping[str, Any], *, run_date: dt.date | None = None,
                   environ: Mapping[str, str] | None = None) -> ParseSettings:
    """Parse settings from a run's options (a ``RunConfig.public_dict()`` or run.json's ``config``).

    ``docbatch reparse`` rebuilds them from run.json with this same function, so a re-parse
    reads documents exactly as the run did (but on today's date unless ``run_date`` is given).
    """
    return ParseSettings(
        date_order=values.get("date_order"),
        decimal_separator=values.get("decimal_separator"),
        default_currency=values.get("default_currency"),
        run_date=run_date or dt.datetime.now(dt.timezone.utc).date(),
        redact=bool(values.get("redact", False)),
        redact_key=redact_key_from_env(environ),
    )


def check_formats(formats: tuple[str, ...]) -> None:
    """Refuse output formats docbatch cannot write (a run's ``--format`` and a re-parse's alike)."""
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ConfigError(f"unknown output format(s) {bad}; choose from {', '.join(FORMATS)}")


#: What a run option of each annotated kind takes, and how its error says so.
_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "bool": ((bool,), "true or false"), "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"), "str": ((str,), "text"),
}


def _mistyped(annotation: str, value: Any) -> str | None:
    """What is wrong with the type of ``value`` for an option annotated ``annotation`` (None: nothing).

    A job file's TOML is not typed by click as flags are: ``replace = "false"`` is a truthy string
    (it took the folder for another manifest's batch), ``max_attempts = true`` an int of 1.
    Annotations of other kinds (tuples, dates) are left to the checks that follow."""
    kinds = [k for k in annotation.split(" | ") if k != "None"]
    if value is None and len(kinds) < len(annotation.split(" | ")):
        return None
    if annotation.startswith("Mapping"):
        return None if isinstance(value, Mapping) else "give it a table of options"
    if not kinds or any(k not in _KINDS for k in kinds):
        return None
    ok = any(isinstance(value, _KINDS[k][0]) and (k == "bool" or not isinstance(value, bool)) for k in kinds)
    return None if ok else "give it " + " or ".join(_KINDS[k][1] for k in kinds)


@dataclass(frozen=True)
class RunConfig:
    """All options of one batch run (keyword-only; see ``docbatch run --help``)."""

    manifest: str
    out: str
    engine: str = "local"
    doc_type: str = "auto"
    formats: tuple[str, ...] = ("parquet",)
    # AWS
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    #: calls/s, or "auto": the account's quota read from Service Quotas, then adapted
    tps: float | str = 5.0
    burst: float | None = None
    #: most calls in flight (default: sized from latency x rate, at most 64)
    concurrency: int | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    # retries (the one retry layer; botocore's own retries are off)
    max_attempts: int = 8
    max_retry_seconds: float = 300.0
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    # engines
    replay_dir: str | None = None
    min_confidence: float = 0.0
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    #: auto: read past an engine's word cap in regions (``--tiling``); off: keep the capped answer.
    tiling: str = "auto"
    #: local: this machine's threads or processes; ray: actors on a Ray cluster (CPU-bound engines).
    executor: str = "local"
    #: The Ray cluster for ``executor = "ray"`` (None: Ray's default; "local": a new local instance).
    ray_address: str | None = None
    # state, cache, failure policy
    cache_dir: str | None = None
    use_cache: bool = True
    retry_failed: bool = False
    max_failure_rate: float | None = None
    min_docs_for_failure_rate: int = 50
    #: Paid calls this run may make at most (a cost guard; the run stops resumably before passing it).
    max_calls: int | None = None
    # parsing
    date_order: str | None = None
    decimal_separator: str | None = None
    default_currency: str | None = None
    redact: bool = False
    # output
    part_rows: int = 50_000
    #: Split every table into Hive-style folders by these keys (run_date, doc_type, ...).
    partition_by: tuple[str, ...] = ()
    progress_interval: float = 10.0
    #: The run's id (None: a new one per run; set when a job's paths use ``{run_id}``).
    run_id: str | None = None
    #: Set (by the templates, never by users) when ``out`` was named from a ``{run_id}`` made
    #: for this run: the same command run again writes another folder, resuming nothing.
    out_per_run: bool = False
    #: Set (by the templates, never by users) to the job's logical date when ``out`` was named
    #: from ``{date}`` or ``{yesterday}``: the same command run on another day names another folder.
    out_date: str | None = None
    #: Allow a run folder that holds another manifest's run: its tables become this manifest's.
    replace: bool = False
    #: Seconds to wait for a run folder another run holds before giving up (exit 2): a retried
    #: job whose killed container left the lock waits until its heartbeat is stale and takes it.
    lock_wait: float = 0.0
    #: "i/N": do shard i (0-based) of N of the manifest into the shared ``out`` (``--shard``);
    #: unset inside an AWS Batch array job, the job's array index and size decide.
    shard: str | None = None

    def __post_init__(self) -> None:
        check_formats(self.formats)
        check_partition_keys(self.partition_by)
        for option in fields(self):
            value = getattr(self, option.name)
            mistyped = _mistyped(str(option.type), value)
            if mistyped:
                raise ConfigError(f"{option.name} = {value!r}: {mistyped}")
            if isinstance(value, float) and not math.isfinite(value):  # inf or nan reach sockets and sleeps
                raise ConfigError(f"{option.name} is {value}: give it a finite number")
        if self.doc_type not in ("receipt", "id", "auto"):
            raise ConfigError(f"doc_type must be receipt, id or auto, not {self.doc_type!r}")
        if isinstance(self.tps, str) and self.tps.strip().lower() == AUTO_TPS:
            object.__setattr__(self, "tps", AUTO_TPS)
        elif isinstance(self.tps, bool) or not isinstance(self.tps, (int, float)):
            raise ConfigError(f"tps must be a number of calls per second or {AUTO_TPS!r}, not {self.tps!r}")
        elif self.tps <= 0:
            raise ConfigError("tps must be positive")
        if self.concurrency is not None and self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        object.__setattr__(self, "default_currency", iso_currency(self.default_currency, "default_currency"))
        for name in ("connect_timeout", "read_timeout"):  # botocore's client refuses 0 with a traceback
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} is a number of seconds above 0")
        if self.max_attempts < 1:
            raise ConfigError("max_attempts must be at least 1")
        if self.max_calls is not None and self.max_calls < 0:
            raise ConfigError("max_calls is a number of calls, 0 or more")
        if self.lock_wait < 0:
            raise ConfigError("lock_wait is a number of seconds, 0 or more")
        if self.max_failure_rate is not None and not 0 < self.max_failure_rate <= 1:
            raise ConfigError("max_failure_rate is a fraction in (0, 1]")
        if self.date_order not in (None, "DMY", "MDY", "YMD"):
            raise ConfigError("date_order must be DMY, MDY or YMD")
        if self.decimal_separator not in (None, ".", ","):
            raise ConfigError("decimal_separator must be '.' or ','")
        if self.tiling not in TILING_MODES:
            raise ConfigError(f"tiling must be {' or '.join(TILING_MODES)}, not {self.tiling!r}")
        if self.shard is not None:
            Shard.parse(self.shard)
        if self.executor not in EXECUTORS:
            raise ConfigError(f"executor must be {' or '.join(EXECUTORS)}, not {self.executor!r}")
        if self.ray_address is not None and self.executor != "ray":
            raise ConfigError("ray_address is for executor = \"ray\" (--executor ray)")

    @property
    def resolved_cache_dir(self) -> str | None:
        if not self.use_cache:
            return None
        return self.cache_dir or default_cache_dir()

    def stages(self, *, run_date: dt.date | None = None,
               environ: Mapping[str, str] | None = None) -> Stages:
        """The per-stage settings of a run of this config (call once per run)."""
        shard = resolve_shard(self.shard, os.environ if environ is None else environ)
        if self.out_per_run:
            _per_run_out(self.out, shard)
        return Stages(
            engine=EngineSettings(
                region=self.region, profile=self.profile, endpoint_url=self.endpoint_url,
                connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                replay_dir=self.replay_dir, min_confidence=self.min_confidence,
                options=dict(self.engine_options)),
            sources=SourceSettings(
                region=self.region, profile=self.profile, s3_endpoint_url=self.s3_endpoint_url,
                connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                max_pool=self.concurrency or 10),
            retry=RetrySettings(self.max_attempts, self.max_retry_seconds, self.backoff_base, self.backoff_max),
            rate=RateSettings(tps=self.tps, burst=self.burst, concurrency=self.concurrency,
                              share=shard.count if shard is not None else 1),
            parse=parse_settings(self.public_dict(), run_date=run_date, environ=environ),
            output=OutputSettings(formats=self.formats, part_rows=self.part_rows, partition_by=self.partition_by),
            policy=RunPolicy(cache_dir=self.resolved_cache_dir, retry_failed=self.retry_failed, replace=self.replace,
                             max_failure_rate=self.max_failure_rate,
                             min_docs_for_failure_rate=self.min_docs_for_failure_rate,
                             progress_interval=self.progress_interval, max_calls=self.max_calls,
                             lock_wait=self.lock_wait),
            tiling=TilingSettings(enabled=self.tiling == "auto"),
            shard=shard,
            executor=ExecutorSettings(kind=self.executor, ray_address=self.ray_address),
        )

    def public_dict(self) -> dict[str, Any]:
        """The config as written to run.json (no secrets are held here, only names)."""
        d = dataclasses.asdict(self)
        d["formats"] = list(self.formats)
        d["partition_by"] = list(self.partition_by)
        d["engine_options"] = dict(self.engine_options)
        return d


def _per_run_out(out: str, shard: Shard | None) -> None:
    """A run folder named from a fresh ``{run_id}`` is never found again by the same command:
    a re-run after a crash (a scheduler's retry) starts empty and pays again for whatever the
    response cache does not hold, so the run says how to resume it; shards would each name a
    folder of their own and never meet, so they are refused."""
    if shard is not None:
        raise ConfigError(f"out {out} is named from {{run_id}}, new for every process: the shards of a split run "
                          "would each write a folder of their own; name the folder with {date} or {yesterday}")
    logging.getLogger("docbatch").warning(
        "out is named from {run_id}, new for every run: this run's folder is %s; the same command run again "
        "starts another folder and resumes nothing (what the response cache lacks is paid again): "
        "to resume this run, run with --out %s (for a folder a night, use {date} or {yesterday})", out, out)


def check_partition_keys(keys: tuple[str, ...]) -> None:
    """Refuse a partition key docbatch cannot fill, or one named twice."""
    from .parse.catalog import PARTITION_KEYS

    unknown = [k for k in keys if k not in PARTITION_KEYS]
    if unknown or len(set(keys)) != len(keys):
        raise ConfigError(f"partition_by {list(keys)}: each key once, from {', '.join(PARTITION_KEYS)}")


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run's id: sortable UTC time plus a random suffix (two runs in one second differ)."""
    import uuid

    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
