"""Answers from saved DetectText responses instead of calling anything.

Users re-parse a run without paying again; tests and evaluations run on known responses.
``replay_dir`` is either a run folder (its ``raw/`` is read, with the run folder's own
file names, :func:`~docbatch.runfolder.raw_name`) or a plain folder of
``<doc_id>.json`` / ``<file stem>.json`` (``.json.gz`` too), the shape the service returns.
A doc_id never names a file outside the folder.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import BadImageError, ConfigError, SourceNotFound
from ..records import Document, ImageInput
from ..runfolder import RAW, raw_name
from .base import Engine, EngineSettings


class ReplayEngine(Engine):
    name = "replay"
    parallelism = "threads"
    needs_image = False

    def __init__(self, settings: EngineSettings) -> None:
        super().__init__(settings)
        if not settings.replay_dir:
            raise ConfigError("the replay engine needs replay_dir (--replay-dir)")
        self.root = Path(settings.replay_dir).resolve()
        if not self.root.is_dir():
            raise ConfigError(f"replay_dir is not a folder: {self.root}")
        raw = self.root / RAW
        self._folders = [raw, self.root] if raw.is_dir() else [self.root]

    @property
    def model_version(self) -> str:
        return f"replay:{self.root}"

    def _candidates(self, document: Document) -> list[Path]:
        stem = PurePosixPath(document.source.rstrip("/")).name.rsplit(".", 1)[0]
        names = [raw_name(document.doc_id)]
        names += [f"{n}{ext}" for n in dict.fromkeys([document.doc_id, stem]) for ext in (".json", ".json.gz")]
        paths = [folder / name for folder in self._folders for name in dict.fromkeys(names)]
        return [p for p in paths if p.resolve().parent in self._folders]

    def detect_text(self, image: ImageInput | None, document: Document) -> dict[str, Any]:
        for path in self._candidates(document):
            if path.is_file():
                raw = path.read_bytes()
                try:
                    text = gzip.decompress(raw) if path.suffix == ".gz" else raw
                    resp = json.loads(text)
                except (OSError, ValueError) as exc:
                    raise BadImageError(f"saved response {path.name} is not valid JSON",
                                        error_code="bad_replay_file") from exc
                if not isinstance(resp, dict) or "TextDetections" not in resp:
                    raise BadImageError(f"saved response {path.name} has no TextDetections",
                                        error_code="bad_replay_file")
                resp.pop("ResponseMetadata", None)
                return resp
        raise SourceNotFound("no saved response for this document (by doc_id or file stem)",
                             error_code="replay_missing")
