"""Answers from saved DetectText responses instead of calling anything.

Users re-parse a run without paying again; tests and evaluations run on known responses.
The folder holds ``<doc_id>.json`` or ``<file stem>.json`` (``.json.gz`` too), the
shape ``docbatch`` writes under a run's ``raw/`` and the service returns.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import BadImageError, ConfigError, SourceNotFound
from ..records import Document, ImageInput
from .base import Engine, EngineSettings


class ReplayEngine(Engine):
    name = "replay"
    parallelism = "threads"
    needs_image = False

    def __init__(self, settings: EngineSettings) -> None:
        super().__init__(settings)
        if not settings.replay_dir:
            raise ConfigError("the replay engine needs replay_dir (--replay-dir)")
        self.root = Path(settings.replay_dir)
        if not self.root.is_dir():
            raise ConfigError(f"replay_dir is not a folder: {self.root}")

    @property
    def model_version(self) -> str:
        return f"replay:{self.root.resolve()}"

    def _candidates(self, document: Document) -> list[Path]:
        stem = PurePosixPath(document.source.rstrip("/")).name.rsplit(".", 1)[0]
        names = dict.fromkeys([document.doc_id, stem])
        return [self.root / f"{n}{ext}" for n in names for ext in (".json", ".json.gz")]

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
