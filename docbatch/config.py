"""``RunConfig``: every option of a run, frozen, and job files that set them.

The CLI and a notebook build the same object (``RunConfig(manifest=..., out=...)`` or
``load_job("jobs/nightly.toml", overrides)``), so a run behaves the same whichever way it
was started.  Job files are TOML with a ``[job]`` table whose keys are the field names
below; relative paths in a job file are relative to the file, so a job runs from any
working directory.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMATS = ("parquet", "csv")
_PATH_FIELDS = ("manifest", "out", "replay_dir", "cache_dir")


def default_cache_dir() -> str:
    """Responses are cached across runs (tomorrow's manifest may repeat today's images)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "docbatch", "responses")


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
    tps: float = 5.0
    burst: float | None = None
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
    # state, cache, failure policy
    cache_dir: str | None = None
    use_cache: bool = True
    retry_failed: bool = False
    max_failure_rate: float | None = None
    min_docs_for_failure_rate: int = 50
    # parsing
    date_order: str | None = None
    decimal_separator: str | None = None
    default_currency: str | None = None
    redact: bool = False
    # output
    part_rows: int = 50_000
    progress_interval: float = 10.0

    def __post_init__(self) -> None:
        bad = [f for f in self.formats if f not in FORMATS]
        if bad or not self.formats:
            raise ConfigError(f"unknown output format(s) {bad}; choose from {', '.join(FORMATS)}")
        if self.doc_type not in ("receipt", "id", "auto"):
            raise ConfigError(f"doc_type must be receipt, id or auto, not {self.doc_type!r}")
        if self.tps <= 0:
            raise ConfigError("tps must be positive")
        if self.concurrency is not None and self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1")
        if self.max_attempts < 1:
            raise ConfigError("max_attempts must be at least 1")
        if self.max_failure_rate is not None and not 0 < self.max_failure_rate <= 1:
            raise ConfigError("max_failure_rate is a fraction in (0, 1]")
        if self.date_order not in (None, "DMY", "MDY", "YMD"):
            raise ConfigError("date_order must be DMY, MDY or YMD")
        if self.decimal_separator not in (None, ".", ","):
            raise ConfigError("decimal_separator must be '.' or ','")

    @property
    def resolved_cache_dir(self) -> str | None:
        if not self.use_cache:
            return None
        return self.cache_dir or default_cache_dir()

    def public_dict(self) -> dict[str, Any]:
        """The config as written to run.json (no secrets are held here, only names)."""
        d = dataclasses.asdict(self)
        d["formats"] = list(self.formats)
        d["engine_options"] = dict(self.engine_options)
        return d


_FIELDS = {f.name for f in dataclasses.fields(RunConfig)}


def build_config(values: Mapping[str, Any]) -> RunConfig:
    """Build a RunConfig from loose values (job file or CLI), rejecting unknown keys."""
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
    vals = dict(values)
    if isinstance(vals.get("formats"), str):
        vals["formats"] = tuple(x.strip() for x in vals["formats"].split(",") if x.strip())
    elif "formats" in vals:
        vals["formats"] = tuple(vals["formats"])
    for required in ("manifest", "out"):
        if not vals.get(required):
            raise ConfigError(f"no {required} given (job file or --{required})")
    try:
        return RunConfig(**vals)
    except TypeError as exc:
        raise ConfigError(str(exc)) from exc


def load_job(path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None) -> RunConfig:
    """Read a job TOML file, resolve its relative paths, apply ``overrides`` (None = unset)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"job file not found: {p}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"job file {p} is not valid TOML: {exc}") from exc
    job = dict(data.get("job", {}))
    if not job:
        raise ConfigError(f"job file {p} has no [job] table")
    base = p.resolve().parent
    for key in _PATH_FIELDS:
        if isinstance(job.get(key), str) and "://" not in job[key]:
            job[key] = str((base / job[key]).resolve()) if not os.path.isabs(job[key]) else job[key]
    job.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return build_config(job)
