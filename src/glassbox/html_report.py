"""Small helpers for self-contained HTML reports: escaped text, embedded images, tables."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Iterable

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #1b1b1b; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f2f2; }
.note { background: #f6f8fa; border-left: 4px solid #4a7; padding: 0.6em 1em; }
.warn { border-left-color: #c63; }
img { max-width: 100%; }
th { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
.explorer-grid { display: flex; flex-wrap: wrap; gap: 1em; }
.explorer-grid figure { margin: 0; }
.explorer-grid figcaption { text-align: center; font-size: 0.9em; }
"""

# Every table sorts by a column when its heading is clicked (numbers as numbers: a cell's
# leading number, so "0.9630 (0.9486 to 0.9773)" sorts by 0.9630). Inline: reports open
# offline.
SORT_SCRIPT = """
document.querySelectorAll("table").forEach((table) => {
  table.querySelectorAll("thead th").forEach((th, column) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0], up = th.getAttribute("aria-sort") !== "ascending";
      const key = (row) => {
        const text = row.cells[column] ? row.cells[column].textContent.trim() : "";
        const number = parseFloat(text.replace(/^[^0-9+.-]+/, ""));
        return Number.isNaN(number) ? text : number;
      };
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y
          : String(x).localeCompare(String(y));
        return up ? order : -order;
      });
      table.querySelectorAll("thead th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      body.append(...rows);
    });
  });
});
"""


def escape(value: object) -> str:
    """Every string that comes from data or configuration goes through here."""
    return html.escape(str(value), quote=True)


def figure_to_img(fig, alt: str) -> str:
    """A matplotlib figure as an inline PNG <img> (the report opens offline)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def json_for_script(data: object) -> str:
    """``data`` as JSON to embed in a <script> element: no "<", ">" or "&" from the data can
    end the element or open a comment in it (JSON reads the escapes back as the characters)."""
    return (
        json.dumps(data, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def table(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}<script>{SORT_SCRIPT}</script></body></html>\n"
    )
