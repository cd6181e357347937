"""Answers from saved DetectText responses instead of calling anything.

Users re-parse a run without paying again; tests and evaluations run on known responses.
``replay_dir`` is either a run folder or its ``raw/`` (the answer packs are read, latest run
first, then files named by :func:`~docbatch.runfolder.raw_name`) or a plain folder of
``<doc_id>.json`` / ``<file stem>.json`` (``.json.gz`` too), the shape the service returns.
A doc_id never names a file outside the folder.  A paged run's folder replays page by
page: a document with no answer of its own but answers for ``<doc_id>#p1`` .. ``#p<N>``
(a PDF or multi-page TIFF read before) has N pages (:meth:`ReplayEngine.page_count`),
each answered from its own record or file.

A region request is honoured on the saved words: those lying wholly inside the region,
in its frame (:func:`~docbatch.regions.within`).  The ``word_cap`` option replays a
capped service: every answer (whole image or region) keeps at most that many WORDs, in
``word_cap_order`` (``reading``, ``confidence`` or ``random``), so an evaluation can run
perfect text lines through the 100-word cap and through tiling without any OCR.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Mapping

from ..errors import BadImageError, ConfigError, InvalidResponse, SourceNotFound
from ..records import Document, ImageInput, page_doc_id
from ..regions import CAP_ORDERS, Region, answer_seed, cap_words, within
from ..response import validate
from .. import answerpack
from ..runfolder import RAW, raw_name
from .base import Engine, EngineOption, EngineSettings


class ReplayEngine(Engine):
    name = "replay"
    parallelism = "threads"
    needs_image = False
    options: ClassVar[Mapping[str, EngineOption]] = {
        "word_cap": EngineOption(int, None, "keep at most this many WORDs per answer, as a capped service "
                                 "does (default: none)", minimum=1),
        "word_cap_order": EngineOption(str, "reading", "which WORDs the cap keeps: reading, confidence "
                                       "or random"),
    }

    def __init__(self, settings: EngineSettings) -> None:
        super().__init__(settings)
        self.word_cap = self.option_values["word_cap"]  # type: ignore[misc]  # per object, by option
        self._cap_order = self.option_values["word_cap_order"]
        if self._cap_order not in CAP_ORDERS:
            raise ConfigError(f"replay engine option 'word_cap_order' must be one of {', '.join(CAP_ORDERS)}")
        if not settings.replay_dir:
            raise ConfigError("the replay engine needs replay_dir (--replay-dir)")
        self.root = Path(settings.replay_dir).resolve()
        if not self.root.is_dir():
            raise ConfigError(f"replay_dir is not a folder: {self.root}")
        raw = self.root / RAW
        if not raw.is_dir() and answerpack.packs(self.root):
            raw = self.root  # a run folder's raw/ given itself: its packs are the answers
        self._folders = list(dict.fromkeys([raw, self.root])) if raw.is_dir() else [self.root]
        self._raw = raw
        #: A run folder's packed answers (doc_id -> place), the latest saved for each.
        self._packed = answerpack.index(answerpack.packs(raw)) if raw.is_dir() else {}

    @property
    def model_version(self) -> str:
        if self.word_cap is None:
            return f"replay:{self.root}"
        return f"replay:{self.root};word_cap={self.word_cap}:{self._cap_order}"

    def _candidates(self, document: Document) -> list[Path]:
        stem = PurePosixPath(document.source.rstrip("/")).name.rsplit(".", 1)[0]
        names = [raw_name(document.doc_id)]
        names += [f"{n}{ext}" for n in dict.fromkeys([document.doc_id, stem]) for ext in (".json", ".json.gz")]
        # A name that is one plain file name stays in its folder (no resolve(): a path
        # lookup per candidate dominated a replayed run's time).
        return [folder / name for folder in self._folders for name in dict.fromkeys(names) if _plain_name(name)]

    def page_count(self, document: Document) -> int:
        """The pages of a paged run (a PDF or multi-page TIFF read before): no answer saved
        for the document itself, one for each of ``<doc_id>#p1`` .. ``#p<N>``.  A document
        with its own answer, or with none at all, is one page."""
        if self._has(document):
            return 1
        count = 0
        while self._has(replace(document, doc_id=page_doc_id(document.doc_id, count + 1))):
            count += 1
        return max(count, 1)

    def _has(self, document: Document) -> bool:
        return document.doc_id in self._packed or any(p.is_file() for p in self._candidates(document))

    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        resp = self._saved(document)
        if region is not None:
            resp = within(resp, region)
        if self.word_cap is not None:
            seed = answer_seed(resp) + (region.key if region is not None else "")
            resp["TextDetections"] = cap_words(resp["TextDetections"], self.word_cap, order=self._cap_order,
                                               seed=seed)
        return resp

    def _saved(self, document: Document) -> dict[str, Any]:
        at = self._packed.get(document.doc_id)
        if at is not None:
            try:
                return _answer(answerpack.read(self._raw, at, document.doc_id), False, at)
            except (OSError, ValueError) as exc:  # the pack gone, or not this document's whole record
                raise BadImageError(f"saved response {at} cannot be read", error_code="bad_replay_file") from exc
        for path in self._candidates(document):
            if path.is_file():
                return _answer(path.read_bytes(), path.suffix == ".gz", path.name)
        raise SourceNotFound("no saved response for this document (by doc_id or file stem)",
                             error_code="replay_missing")


def _answer(raw: bytes, gzipped: bool, name: str) -> dict[str, Any]:
    """A saved response's JSON (``name`` says where it was); a bad one is the document's error."""
    try:
        resp = json.loads(gzip.decompress(raw) if gzipped else raw)
    except (OSError, ValueError) as exc:
        raise BadImageError(f"saved response {name} is not valid JSON", error_code="bad_replay_file") from exc
    if not isinstance(resp, dict) or "TextDetections" not in resp:
        raise BadImageError(f"saved response {name} has no TextDetections", error_code="bad_replay_file")
    resp.pop("ResponseMetadata", None)
    try:  # here, not only in the pipeline: a file reads the same on every attempt, so no retry can mend it
        return validate(resp)
    except InvalidResponse as exc:
        raise BadImageError(f"saved response {name}: {exc}", error_code="bad_replay_file") from exc


def _plain_name(name: str) -> bool:
    """Whether ``name`` names a file in the folder it is joined to, never one outside it."""
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name and "\0" not in name
