"""What a run would do, without doing it: ``docbatch run --dry-run``.

A nightly job's owner wants to know, before the window opens, that the environment works,
how many documents the manifest holds, how many are already done, how many sources cannot
be read, and how many paid calls (and dollars) the run will cost.  The plan reads the
manifest, checks the environment (:mod:`docbatch.preflight`), looks each source up (a
stat, or an S3 HEAD) and the run folder's journal, and calls no engine.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import aws, preflight
from .config import RunConfig
from .engines.base import engine_class
from .listing import open_manifest
from .pipeline import build_processor
from .runfolder import RunFolder


@dataclass
class Plan:
    engine: str
    rows: int = 0
    malformed: Counter[str] = field(default_factory=Counter)
    done: int = 0
    unreadable: int = 0
    to_process: int = 0
    paid: bool = False
    price_per_call: float | None = None
    word_cap: int | None = None

    @property
    def calls(self) -> int:
        """Paid calls at least (tiling past a word cap adds some for long documents)."""
        return self.to_process if self.paid else 0

    @property
    def cost(self) -> float:
        return self.calls * (self.price_per_call or 0.0)

    def describe(self) -> str:
        lines = [
            f"dry run: engine {self.engine}; environment checked, nothing called",
            f"  manifest rows:       {self.rows}",
            f"  malformed rows:      {sum(self.malformed.values())}"
            + (f" ({', '.join(f'{k}={v}' for k, v in self.malformed.most_common())})" if self.malformed else ""),
            f"  already done:        {self.done} (skipped while their source is unchanged)",
            f"  unreadable sources:  {self.unreadable} (would fail without a call)",
            f"  to process:          {self.to_process}",
        ]
        if self.paid:
            more = " or more (long documents past the word cap take extra tile calls)" if self.word_cap else ""
            lines.append(f"  paid calls:          {self.calls}{more}")
            lines.append(f"  estimated cost:      ${self.cost:,.2f} at ${self.price_per_call or 0:g} per call (list price)")
        else:
            lines.append("  paid calls:          0 (this engine is not billed)")
        return "\n".join(lines)


def _known(journal: Path) -> dict[str, tuple[str | None, str | None]]:
    """doc_id -> (status, source identity) from an existing journal, read only."""
    if not journal.is_file():
        return {}
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        return {r[0]: (r[1], r[2]) for r in db.execute("SELECT doc_id, status, source_identity FROM documents")}
    finally:
        db.close()


def plan_run(config: RunConfig) -> Plan:
    """The plan of ``config``'s run; raises what the run itself would raise before starting."""
    stages = config.stages()
    cls = engine_class(config.engine)
    with tempfile.TemporaryDirectory(prefix="docbatch-manifest-") as workdir:
        s3 = aws.make_client("s3", session=aws.make_session(stages.sources.profile, stages.sources.region),
                             region=stages.sources.region, endpoint_url=stages.sources.s3_endpoint_url) \
            if config.manifest.startswith("s3://") else None
        rows = list(open_manifest(config.manifest, default_doc_type=config.doc_type, workdir=Path(workdir),
                                  s3_client=s3).rows())
    documents = [r.document for r in rows if r.document is not None and r.error is None]
    preflight.check(preflight.needs_of(documents if cls.needs_image else [], cls.aws_service),
                    stages.engine, stages.sources)
    plan = Plan(engine=cls.name, rows=len(rows), paid=cls.paid, price_per_call=cls.price_per_call,
                word_cap=cls.word_cap)
    plan.malformed.update(r.error.error_code for r in rows if r.error is not None)
    folder = RunFolder(config.out)
    known = _known(folder.journal_path)
    processor = build_processor(stages, config.engine)
    try:
        for doc in documents:
            identity, _ = processor.identify(doc)
            status, done_identity = known.get(doc.doc_id, (None, None))
            if status == "ok" and folder.has_raw(doc.doc_id) and (done_identity is None or identity in
                                                                  (None, done_identity)):
                plan.done += 1
            elif identity is None and cls.needs_image:
                plan.unreadable += 1
            else:
                plan.to_process += 1
    finally:
        processor.close()
    return plan

