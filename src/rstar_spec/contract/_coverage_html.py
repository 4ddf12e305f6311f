"""The coverage of a contract run as one self-contained HTML page: operations by statuses, each cell
coloured by how often the server gave that response to the suite, an exempt response marked exempt
with its reason; the server tested, the seed and the date, the gate's verdict. No script, no external
resource; every text from the spec or the server is escaped."""

from __future__ import annotations

import math
from html import escape

from ._coverage import Coverage, OperationCount, ResponseCount, RunInfo, checks_line, headline, verdict

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1a1a1a; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: center; }
th.op { text-align: left; font-weight: normal; white-space: nowrap; }
td.none { background: #f4f4f4; color: #aaa; }
td.missing { background: #f8d0d0; font-weight: bold; }
td.undocumented { background: #ffd27f; }
td.exempt { background: #e8e8f0; color: #555; font-style: italic; }
td small { display: block; color: #444; font-size: 11px; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border: 1px solid #ccc; }
"""


def _status_order(status: str) -> tuple[int, str]:
    return (1 if status == "default" else 0, status.upper())


def _green(observed: int, most: int) -> str:
    """A green that deepens with the count (log scale: 1 answer already shows, the most is darkest)."""
    share = math.log1p(observed) / math.log1p(most) if most else 0.0
    lightness = 88 - 48 * share
    return f"hsl(130, 55%, {lightness:.0f}%)"


def _cell(response: ResponseCount | None, most: int, exempt: str | None = None) -> str:
    if response is None:
        return '<td class="none">·</td>'
    notes = [escape(f"{n}: {'seen' if s else 'not seen'}") for n, (_, s) in response.headers.items()]
    notes += [escape(f"link {n}: {f}") for n, (_, f) in response.links.items()]
    small = "".join(f"<small>{n}</small>" for n in notes)
    if not response.documented:
        title = escape(f"{response.status}: not documented, answered {response.observed} times")
        return f'<td class="undocumented" title="{title}">{response.observed}{small}</td>'
    if not response.observed and exempt is not None:
        title = escape(f"exempt: {exempt}", quote=True)
        return f'<td class="exempt" title="{title}">exempt<small>{escape(exempt)}</small>{small}</td>'
    if not response.observed:
        return f'<td class="missing" title="documented, never observed">0{small}</td>'
    answered = ", ".join(f"{s}: {n}" for s, n in sorted(response.answered.items()))
    title = escape(f"answered {response.observed} times ({answered})", quote=True)
    colour = _green(response.observed, most)
    return f'<td style="background: {colour}" title="{title}">{response.observed}{small}</td>'


def _row(coverage: Coverage, op: OperationCount, statuses: list[str], most: int) -> str:
    label = f"<code>{escape(op.method)} {escape(op.path)}</code>"
    if op.operation_id:
        label += f" <small>{escape(op.operation_id)}</small>"
    cells = "".join(_cell(op.responses.get(s), most, coverage.exempt.get((op.key, s))) for s in statuses)
    return f'<tr><th class="op" scope="row">{label}</th>{cells}</tr>'


def render_html(coverage: Coverage, info: RunInfo | None = None, require: bool = False) -> str:
    info = info or RunInfo()
    run = [f"target: {info.target or 'not named'}", f"seed: {info.seed if info.seed is not None else 'not named'}",
           f"date: {info.date or 'not named'}"]  # fmt: skip
    statuses = sorted({s for op in coverage.operations for s in op.responses}, key=_status_order)
    most = max((r.observed for op in coverage.operations for r in op.responses.values()), default=0)
    head = "".join(f'<th scope="col">{escape(s)}</th>' for s in statuses)
    rows = "\n".join(_row(coverage, op, statuses, most) for op in coverage.operations)
    unmatched = "".join(
        f"<li><code>{escape(m)} {escape(p)}</code> answered {escape(s)}: {n}</li>"
        for (m, p, s), n in sorted(coverage.unmatched.items())
    )
    extra = f"<h2>Requests to no documented operation</h2><ul>{unmatched}</ul>" if unmatched else ""
    left = "".join(f"<li><code>{escape(k)}</code>: {escape(why)}</li>" for k, why in coverage.left_out)
    extra = (f"<h2>Left out of the run</h2><ul>{left}</ul>" if left else "") + extra
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contract coverage: {escape(info.target or "")}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Contract coverage</h1>
<p class="run">{escape("; ".join(run))}</p>
<p><strong>{escape(verdict(coverage, require))}</strong></p>
<p>{escape(headline(coverage))}</p>
<p>{escape(checks_line(coverage))}</p>
<p class="legend"><span style="background: {_green(1, most or 1)}">observed</span><span class="missing"
 style="background: #f8d0d0">documented, never observed</span><span class="exempt" style="background: #e8e8f0">exempt:
 not asked of a run (the reason in the cell)</span><span style="background: #ffd27f">undocumented
 status seen</span><span style="background: #f4f4f4">not documented, not seen</span></p>
<table>
<thead><tr><th scope="col">Operation</th>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
{extra}
</body>
</html>
"""
