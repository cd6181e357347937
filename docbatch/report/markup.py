"""The HTML page's building blocks: escaping, tables, figure tiles, the page shell and its style.

No template engine: the page is a handful of sections of tables and inline SVG, and every
value goes through :func:`esc` here.  A number taken from run.json carries its key in a
``data-key`` attribute (``counts.ok``), so a test (or a script) can check the page shows
exactly what run.json says.  The page has no script and loads nothing: it opens offline.
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Sequence

STYLE = """
:root { color-scheme: light; --ok: #2e7d32; --bad: #c62828; --warn: #ef6c00; --muted: #5f6368; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; color: #202124; }
h1 { font-size: 22px; margin: 8px 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px;
     border-bottom: 1px solid #dadce0; padding-bottom: 4px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; padding: 0; }
.tile { border: 1px solid #dadce0; border-radius: 6px; padding: 6px 12px; min-width: 96px; margin: 0; }
.tile dt { color: var(--muted); font-size: 12px; } .tile dd { margin: 0; font-size: 20px; font-weight: 600; }
.tile.ok dd { color: var(--ok); } .tile.bad dd { color: var(--bad); } .tile.warn dd { color: var(--warn); }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid #e8eaed; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.plot svg { max-width: 100%; height: auto; } .plot { margin: 4px 0 12px; }
.note { color: var(--muted); font-size: 13px; } code { font-size: 12px; }
.crop img { display: block; max-width: 100%; height: auto; border: 1px solid #dadce0; margin: 2px 0 6px; }
.review td { padding-top: 8px; } .reason { white-space: nowrap; }
summary { cursor: pointer; margin: 6px 0; font-weight: 600; }
"""


def esc(value: Any) -> str:
    """``value`` as HTML text (quotes too, for attributes; nothing for a missing value): every
    recorded text goes through it, so none is read as markup."""
    return html.escape("" if value is None else str(value), quote=True)


def num(value: Any, *, digits: int | None = None) -> str:
    """A number with thousands separators (1,234; 0.89; 6.144); a dash when missing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):  # as run.json has it: a report never rounds a recorded figure
        return f"{value:,.{digits}f}" if digits is not None else f"{value:,}"
    return str(value)


def pct(part: float | None) -> str:
    """A share as a percentage to one decimal; a dash when the share is not known."""
    return "–" if part is None else f"{part:.1%}"


def keyed(value: Any, key: str | None, *, tag: str = "span", text: str | None = None) -> str:
    """``value`` shown as ``text`` (default: :func:`num`), tagged with its run.json key."""
    attr = f' data-key="{esc(key)}"' if key else ""
    return f"<{tag}{attr}>{esc(text if text is not None else num(value))}</{tag}>"


def tiles(items: Iterable[tuple[str, Any, str | None, str]]) -> str:
    """A row of figure tiles: (label, value, run.json key, style: ok/bad/warn/"")."""
    cells = "".join(f'<div class="tile {esc(style)}"><dt>{esc(label)}</dt>{keyed(value, key, tag="dd")}</div>'
                    for label, value, key, style in items)
    return f'<dl class="tiles">{cells}</dl>'


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[int] = (),
          css: str = "") -> str:
    """A table; cells are escaped unless given as :class:`Raw` (already markup)."""
    head = "".join(f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            inner = cell.markup if isinstance(cell, Raw) else esc(num(cell) if i in numeric else cell)
            cells.append(f'<td class="num">{inner}</td>' if i in numeric else f"<td>{inner}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls = f' class="{esc(css)}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw:
    """Markup a table cell holds as it is (built with :func:`esc` by the caller)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup


def plot(svg: str | None) -> str:
    """An inline SVG plot in its frame; nothing when there is no plot to show."""
    return f'<div class="plot">{svg}</div>' if svg else ""


def section(anchor: str, title: str, body: str) -> str:
    """One section of the page, titled, with the anchor the page's links go to."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def note(text: str) -> str:
    """A line of explanation under a section's figures, escaped."""
    return f'<p class="note">{esc(text)}</p>'


def page(title: str, subtitle: str, sections: Sequence[str]) -> str:
    """The whole document: one file, style inline, no script, nothing fetched."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            f"style-src 'unsafe-inline'\"><title>{esc(title)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{esc(title)}</h1><p class=\"sub\">{esc(subtitle)}</p></header>"
            + "".join(sections) + "</body></html>\n")
