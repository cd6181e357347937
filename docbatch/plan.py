"""What a run would do, without doing it: ``docbatch run --dry-run`` and ``docbatch estimate``.

A nightly job's owner wants to know, before the window opens, that the environment works,
how many documents the manifest holds, how many are already done, how many sources cannot
be read, and how many paid calls (and dollars) the run will cost.  The plan reads the
manifest (this shard's rows, for a shard), checks the environment (:mod:`docbatch.preflight`),
looks each source up (a stat, or an S3 HEAD) and the run folder's journal, and calls no engine.

Paid calls are counted as a run makes them: none for a malformed row, an unreadable source
or a document already done; one per page of a PDF or TIFF; none for a page whose answer
is in the response cache (each such source is read to find its pages and content hash:
an S3 object the engine reads itself is only looked up).  Past an engine's word cap, tiling
adds calls no one can count before the text is read: the plan multiplies by a number of
calls per page, given (``calls_per_page``) or measured on this run folder's earlier answers
(its journal's ``n_calls``), else 1, printed as a lower bound.
"""

from __future__ import annotations

import math
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import aws, preflight, shards
from .config import RunConfig
from .engines.base import engine_class, engine_names
from .errors import DocbatchError
from .listing import open_manifest
from .pipeline import DocumentProcessor, build_processor
from .records import Document
from .runfolder import JOURNAL, RunFolder
from .state import PAGED


@dataclass
class Plan:
    engine: str
    rows: int = 0
    malformed: Counter[str] = field(default_factory=Counter)
    done: int = 0
    unreadable: int = 0
    to_process: int = 0
    #: pages of the documents to process (one for an image), and those answered by the cache
    pages: int = 0
    cached: int = 0
    paid: bool = False
    price_per_call: float | None = None
    word_cap: int | None = None
    #: paid calls expected per page to answer, and where that number came from
    calls_per_page: float = 1.0
    calls_source: str = "one call per page"
    shard: str | None = None
    #: every paid engine's (name, list price, word cap), to price the same pages on each
    list_prices: list[tuple[str, float, int | None]] = field(default_factory=list)

    @property
    def calls(self) -> int:
        """Paid calls expected (a lower bound when tiling may add calls no one measured)."""
        if not self.paid:
            return 0
        return math.ceil((self.pages - self.cached) * self.calls_per_page - 1e-9)

    @property
    def cost(self) -> float:
        return self.calls * (self.price_per_call or 0.0)

    @property
    def lower_bound(self) -> bool:
        return bool(self.word_cap) and self.calls_source == "one call per page"

    def describe(self, title: str = "dry run") -> str:
        """The plan as ``--dry-run`` (and ``docbatch estimate``, its ``title``) prints it."""
        where = f" (shard {self.shard})" if self.shard else ""
        lines = [
            f"{title}: engine {self.engine}{where}; environment checked, nothing called",
            f"  manifest rows:       {self.rows}",
            f"  malformed rows:      {sum(self.malformed.values())}"
            + (f" ({', '.join(f'{k}={v}' for k, v in self.malformed.most_common())})" if self.malformed else ""),
            f"  already done:        {self.done} (skipped while their source is unchanged)",
            f"  unreadable sources:  {self.unreadable} (would fail without a call)",
            f"  to process:          {self.to_process}",
            f"  pages to answer:     {self.pages} ({self.cached} from the response cache)",
        ]
        if self.paid:
            more = (" or more (long documents past the word cap take extra tile calls)" if self.lower_bound
                    else f" ({self.calls_per_page:.2f} calls per page: {self.calls_source})" if self.word_cap else "")
            lines.append(f"  paid calls:          {self.calls}{more}")
            lines.append(f"  estimated cost:      {dollars(self.cost)} at ${self.price_per_call or 0:g} per call")
        else:
            lines.append("  paid calls:          0 (this engine is not billed)")
        lines.extend(self._priced_on_each_engine())
        return "\n".join(lines)

    def _priced_on_each_engine(self) -> list[str]:
        """The pages to answer priced on every paid engine at its list price, to choose one by.

        Another engine's response cache is not consulted (a cache answers only its own
        engine), so its calls are every page; past its word cap they are a lower bound.
        """
        if not self.list_prices or not self.pages:
            return []
        lines = ["  on each paid engine, at list price:"]
        for name, price, cap in self.list_prices:
            if name == self.engine and self.paid:
                calls, more = self.calls, " or more" if self.lower_bound else ""
            else:
                calls, more = self.pages, " or more" if cap else ""
            lines.append(f"    {name:<12} {calls} calls{more} at ${price:g}: {dollars(calls * price)}")
        return lines


def dollars(amount: float) -> str:
    """``amount`` in dollars to the cent, or to a tenth of a cent and finer under a dollar:
    ten Textract calls are $0.015, and cents alone showed them as $0.01 (or a few calls as $0.00)."""
    if amount >= 1 or amount == 0:
        return f"${amount:,.2f}"
    text = f"{amount:.4f}".rstrip("0")
    return "$" + (text if len(text.partition(".")[2]) >= 2 else f"{amount:.2f}")


def _known(journal: Path) -> dict[str, tuple[str | None, str | None, bool]]:
    """doc_id -> (status, source identity, every page ok) from an existing journal, read only."""
    if not journal.is_file():
        return {}
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        return {r[0]: (r[1], r[2], bool(r[3])) for r in db.execute(
            "SELECT d.doc_id, d.status, d.source_identity, (SELECT count(*) > 0 AND count(*) = sum(p.status = 'ok') "
            "FROM documents p WHERE p.parent_id = d.doc_id) FROM documents d")}
    finally:
        db.close()


def measured_calls_per_page(journal: Path, engine: str) -> float | None:
    """Calls per answered page of ``engine`` in a journal (pages that made calls), None when none did."""
    if not journal.is_file():
        return None
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        calls, pages = db.execute("SELECT sum(n_calls), count(*) FROM documents WHERE status = 'ok' "
                                  "AND n_calls > 0 AND engine = ?", (engine,)).fetchone()
    finally:
        db.close()
    return calls / pages if pages else None


def plan_run(config: RunConfig, *, calls_per_page: float | None = None,
             price_per_call: float | None = None) -> Plan:
    """The plan of ``config``'s run; raises what the run itself would raise before starting.

    ``calls_per_page`` replaces the measured (or assumed) calls per page past a word cap;
    ``price_per_call`` the engine's list price.
    """
    stages = config.stages()
    cls = engine_class(config.engine)
    with tempfile.TemporaryDirectory(prefix="docbatch-manifest-") as workdir:
        s3 = aws.make_client("s3", session=aws.make_session(stages.sources.profile, stages.sources.region),
                             region=stages.sources.region, endpoint_url=stages.sources.s3_endpoint_url) \
            if config.manifest.startswith("s3://") else None
        manifest = shards.select(open_manifest(config.manifest, default_doc_type=config.doc_type,
                                               workdir=Path(workdir), s3_client=s3), stages.shard)
        rows = list(manifest.rows())
    documents = [r.document for r in rows if r.document is not None and r.error is None]
    preflight.check(preflight.needs_of(documents if cls.needs_image else [], cls.aws_service, out=config.out),
                    stages.engine, stages.sources)
    plan = Plan(engine=cls.name, rows=len(rows), paid=cls.paid,
                price_per_call=cls.price_per_call if price_per_call is None else price_per_call,
                word_cap=cls.word_cap if stages.tiling.enabled else None,
                shard=f"{stages.shard.index}/{stages.shard.count}" if stages.shard else None,
                list_prices=_list_prices())
    plan.malformed.update(r.error.error_code for r in rows if r.error is not None)
    folder = RunFolder(config.out, sources=stages.sources, shard=stages.shard)
    with tempfile.TemporaryDirectory(prefix="docbatch-plan-") as tmp:
        journal = _journal_of(folder, Path(tmp))
        if plan.word_cap:
            measured = measured_calls_per_page(journal, cls.name)
            if calls_per_page is not None:
                plan.calls_per_page, plan.calls_source = calls_per_page, "--calls-per-page"
            elif measured is not None:
                plan.calls_per_page, plan.calls_source = measured, "measured on this run folder's earlier answers"
        processor = build_processor(stages, config.engine)
        try:
            _count_documents(plan, documents, processor, folder, _known(journal), cls.needs_image)
        finally:
            processor.close()
    return plan


def _list_prices() -> list[tuple[str, float, int | None]]:
    """(name, list price per call, word cap) of every registered paid engine."""
    engines = [engine_class(name) for name in engine_names()]
    return [(e.name, e.price_per_call, e.word_cap) for e in engines if e.paid and e.price_per_call]


def _journal_of(folder: RunFolder, tmp: Path) -> Path:
    """The journal a run would resume from: the local one, or on S3 the copy checkpointed in the
    bucket (read into ``tmp``: a run's working copy on this machine is never touched)."""
    if folder.s3 is None:
        return folder.journal_path
    copy = tmp / JOURNAL
    data = folder.read_own(JOURNAL)
    if data is not None:
        copy.write_bytes(data)
    return copy


def _count_documents(plan: Plan, documents: list[Document], processor: DocumentProcessor, folder: RunFolder,
                     known: dict[str, tuple[str | None, str | None, bool]], needs_image: bool) -> None:
    for doc in documents:
        identity, _ = processor.identify(doc)
        status, done_identity, pages_ok = known.get(doc.doc_id, (None, None, False))
        done = (status == "ok" and folder.has_raw(doc.doc_id)) or (status == PAGED and pages_ok)
        if done and (done_identity is None or identity in (None, done_identity)):
            plan.done += 1
            continue
        try:
            if identity is None and needs_image:
                raise FileNotFoundError(doc.source)
            cached = processor.cached_pages(doc)
        except (DocbatchError, OSError):
            plan.unreadable += 1
            continue
        plan.to_process += 1
        plan.pages += len(cached)
        plan.cached += sum(cached)
