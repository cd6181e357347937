"""Job files and loose option values (a TOML file, a command line) to a :class:`RunConfig`.

Job files are TOML with a ``[job]`` table whose keys are :class:`RunConfig`'s field names;
relative paths in a job file are relative to the file, so a job runs from any working
directory.  Paths may name the job's logical date (``{date}``, ``{yesterday}``) and the run
(``{run_id}``), so one job file serves every night.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from .config import RunConfig, new_run_id
from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_PATH_FIELDS = ("manifest", "out", "replay_dir", "cache_dir")
_FIELDS = {f.name for f in dataclasses.fields(RunConfig)} - {"out_per_run", "out_date"}

#: Flags whose job key is spelt otherwise: a job written from ``--format`` or ``--no-cache``
#: is told the key, not only that its own is unknown.
_FLAG_KEYS = {"format": "formats", "no_cache": "use_cache = false"}

ENGINE_HINT = ("local (embedded OCR, no AWS), rekognition, textract or replay: --engine, "
               "engine = ... in the job file, or DOCBATCH_ENGINE")

#: The templates naming the job's logical date in paths (``{date}``, ``{yesterday}``), and the day each is.
DATE_TEMPLATES: dict[str, dt.timedelta] = {"date": dt.timedelta(0), "yesterday": dt.timedelta(days=1)}


def expand_templates(values: Mapping[str, Any], *, date: dt.date | None = None) -> dict[str, Any]:
    """``{date}``, ``{yesterday}`` and ``{run_id}`` in paths and prefixes, so one job file
    serves every night (``{date:%Y/%m/%d}`` formats as strftime does).

    ``date`` is the job's logical date (``--date``; default today, UTC).  A ``{run_id}``
    fixes the run's id here, so the folder and the run agree.
    """
    day = date or dt.datetime.now(dt.timezone.utc).date()
    out = dict(values)
    fill: dict[str, Any] = {name: day - back for name, back in DATE_TEMPLATES.items()}
    fill["run_id"] = out.get("run_id") or new_run_id()
    used_run_id = False
    for key in _PATH_FIELDS:
        text = out.get(key)
        if isinstance(text, str) and "{" in text:
            try:
                out[key] = text.format_map(fill)
            except (KeyError, ValueError, IndexError) as exc:
                raise ConfigError(f"{key} {text!r}: unknown template {exc}; use {{date}}, {{yesterday}} or "
                                  "{run_id}") from exc
            used_run_id = used_run_id or "{run_id" in text
    if any("{" + name in str(values.get("out")) for name in DATE_TEMPLATES):
        out["out_date"] = day.isoformat()
    if used_run_id:
        out["out_per_run"] = not values.get("run_id") and "{run_id" in str(values.get("out"))
        out["run_id"] = fill["run_id"]
    return out


def build_config(values: Mapping[str, Any], *, date: dt.date | None = None) -> RunConfig:
    """Build a RunConfig from loose values (job file or CLI), rejecting unknown keys.

    Unlike ``RunConfig(...)`` in a notebook, a job or a command line must name its engine:
    a forgotten flag must not silently run the slow embedded engine on a nightly batch.
    """
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        named = [f"{k} (in a job file: {_FLAG_KEYS[k]})" if k in _FLAG_KEYS else k for k in unknown]
        raise ConfigError(f"unknown option(s): {', '.join(named)}")
    if not values.get("engine"):
        raise ConfigError(f"no engine given; choose {ENGINE_HINT}")
    vals = expand_templates(values, date=date)
    for listed in ("formats", "partition_by"):  # "a,b" from a flag or the environment, a list in TOML
        if isinstance(vals.get(listed), str):
            vals[listed] = tuple(x.strip() for x in vals[listed].split(",") if x.strip())
        elif isinstance(vals.get(listed), (list, tuple)):
            vals[listed] = tuple(vals[listed])
        elif listed in vals:
            raise ConfigError(f"{listed} = {vals[listed]!r}: give it a list of names, or one comma-separated")
    for required in ("manifest", "out"):
        if not vals.get(required):
            raise ConfigError(f"no {required} given (job file or --{required})")
    try:
        return RunConfig(**vals)
    except TypeError as exc:
        raise ConfigError(str(exc)) from exc


def load_job(path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None, *,
             date: dt.date | None = None) -> RunConfig:
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
    return build_config(job, date=date)
