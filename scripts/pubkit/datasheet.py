"""The release's datasheet: reads typed tables and the archived text, returns ``index.html``.

Self-contained (inline CSS, SVG and script; nothing fetched), bilingual, and byte-stable.
Every value links to its quote, highlighted in the archived text at its offsets, and
every highlighted quote links back to its observation.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from pubkit import charts

QUALIFIER_WORDS = {"exact": "exact", "approx": "approximately", "nearly": "nearly (at or just below)",
                   "more_than": "more than", "at_least": "at least", "less_than": "less than", "at_most": "at most"}
STATUS_WORDS = {"A": "", "F": "forecast (预计)", "E": "estimate", "P": "provisional"}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:0 auto;
max-width:72rem;padding:0 1rem 4rem;line-height:1.45;color:#1a1a1a}
h1{font-size:1.5rem;margin-top:1.5rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
nav a{margin-right:1rem}.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;min-width:100%}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f6f8;cursor:pointer;position:sticky;top:0;white-space:nowrap}th[aria-sort]::after{content:" ↕";color:#888}
td:first-child code{white-space:nowrap}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}
a.value{font-weight:600}.badge{display:inline-block;background:#fde2b3;border-radius:3px;padding:0 .3rem;font-size:.8em}
.chart{max-width:100%;height:auto}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
#document{white-space:pre-wrap;font-family:inherit;background:#fafafa;border:1px solid #eee;padding:1rem}
.q{background:#fff3bf;cursor:pointer}.q.active{background:#ffd43b;outline:2px solid #e67700}
tr.flash{background:#e7f5ff}#shown{font-weight:600}
@media (max-width:40rem){body{padding:0 .5rem 3rem}th,td{padding:.25rem}nav a{display:inline-block;margin:.2rem .6rem .2rem 0}}
"""
SCRIPT = """
function show(id){document.querySelectorAll('.q.active').forEach(function(e){e.classList.remove('active')});
var parts=document.querySelectorAll('.q-'+id);parts.forEach(function(e){e.classList.add('active')});
document.getElementById('shown').textContent=id;if(parts.length){parts[0].scrollIntoView({block:'center'})}}
document.querySelectorAll('a.value').forEach(function(a){a.addEventListener('click',function(e){
e.preventDefault();show(a.dataset.obs)})});
document.querySelectorAll('.q').forEach(function(q){q.addEventListener('click',function(){
var ids=q.dataset.obs.split(' '),shown=document.getElementById('shown').textContent;
var row=document.getElementById(ids.indexOf(shown)>=0?shown:ids[0]);
document.querySelectorAll('tr.flash').forEach(function(r){r.classList.remove('flash')});
row.classList.add('flash');row.scrollIntoView({block:'center'})})});
document.querySelectorAll('table.sortable th').forEach(function(th,i){th.setAttribute('aria-sort','none');
th.addEventListener('click',function(){var body=th.closest('table').tBodies[0];var up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';
var rows=Array.prototype.slice.call(body.rows);rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,
y=b.cells[i].dataset.sort||b.cells[i].textContent;var nx=parseFloat(x),ny=parseFloat(y);
var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return up?c:-c});rows.forEach(function(r){body.appendChild(r)})})});
"""


def run(core: dict, typed: dict[str, pd.DataFrame], files: dict[str, tuple[int, str]], citation: str,
        documents: dict[str, str]) -> str:
    """``documents`` maps each document_id to its archived text."""
    obs, indicators, areas = typed["observations"], typed["indicators"], typed["areas"]
    parts = [
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(core.get('title', core['name']))}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{escape(core.get('title', core['name']))}</h1>",
        f"<p>{escape(core.get('description', ''))}</p>",
        f"<p>Version <strong>{escape(core['version'])}</strong> · built {escape(core['created'][:10])} · license "
        + ", ".join(f'<a href="{escape(l.get("path", ""))}">{escape(l["name"])}</a>' for l in core.get("licenses", []))
        + "</p>",
        '<nav><a href="#observations">Observations</a><a href="#charts">Charts</a><a href="#indicators">Indicators</a>'
        '<a href="#source">Source text</a><a href="#downloads">Downloads</a><a href="#cite">How to cite</a></nav>',
        _observations(obs, indicators, areas),
        _charts(obs, indicators, areas),
        _indicators(indicators),
        _source(obs, documents),
        _downloads(files),
        f'<section id="cite"><h2>How to cite</h2><p>{escape(citation)}</p></section>',
        f"<script>{SCRIPT}</script>", "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _table(head: list[str], rows: list[str]) -> str:
    header = "".join(f"<th>{h}</th>" for h in head)
    return f'<div class="scroll"><table class="sortable"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _observations(obs: pd.DataFrame, indicators: pd.DataFrame, areas: pd.DataFrame) -> str:
    names = indicators.set_index("indicator_id")
    places = areas.set_index("area_id")
    rows = []
    for row in obs.itertuples():
        unit = names.loc[row.indicator_id, "unit"]
        sign = charts.SIGNS[row.value_qualifier]
        status = STATUS_WORDS.get(row.obs_status, row.obs_status)
        period = escape(row.period) if pd.notna(row.period) else '<span title="the document states no period">—</span>'
        rows.append(
            f'<tr id="{row.observation_id}"><td><code>{row.observation_id}</code></td>'
            f'<td>{escape(names.loc[row.indicator_id, "name_zh"])}<br>{escape(names.loc[row.indicator_id, "name_en"])}</td>'
            f'<td>{escape(places.loc[row.area_id, "name_zh"])}<br>{escape(places.loc[row.area_id, "name_en"])}</td>'
            f"<td>{period}</td>"
            f'<td class="num" data-sort="{row.value!r}"><a class="value" href="#source" data-obs="{row.observation_id}">'
            f"{escape(sign)}{row.value:,.{_decimals(row.value)}f}</a> {escape(unit)}</td>"
            f"<td>{escape(sign.strip() or '=')} {escape(QUALIFIER_WORDS[row.value_qualifier])}"
            + (f' <span class="badge">{escape(status)}</span>' if status else "") + "</td>"
            f'<td lang="zh-Hans">{escape(row.stated_text)}</td>'
            f'<td lang="zh-Hans">{escape(row.speaker) if pd.notna(row.speaker) else ""}</td></tr>'
        )
    head = ["id", "indicator 指标", "area 地区", "period", "value", "qualifier", "as stated 原文", "speaker"]
    return ('<section id="observations"><h2>Observations 数据</h2><p>Click a value to see its quote highlighted '
            "in the archived text; click a quote to come back.</p>" + _table(head, rows) + "</section>")


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if float(value).is_integer() else len(text.split(".")[1])


def _charts(obs: pd.DataFrame, indicators: pd.DataFrame, areas: pd.DataFrame) -> str:
    figures = "".join(f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"
                      for caption, svg in charts.all_charts(obs, indicators, areas))
    legend = "Hatched bars are bounds (the sign says which); solid bars are exact figures."
    return f'<section id="charts"><h2>Charts 图表</h2><p>{legend}</p>{figures}</section>'


def _indicators(indicators: pd.DataFrame) -> str:
    rows = [
        f"<tr><td><code>{escape(r.indicator_id)}</code></td><td lang=\"zh-Hans\">{escape(r.name_zh)}</td>"
        f"<td>{escape(r.name_en)}</td><td>{escape(r.definition_en)}</td><td>{escape(r.unit)}</td><td>{escape(r.scope)}</td></tr>"
        for r in indicators.itertuples()
    ]
    return ('<section id="indicators"><h2>Indicators 指标</h2>'
            + _table(["id", "名称", "name", "definition", "unit", "scope"], rows) + "</section>")


def _source(obs: pd.DataFrame, documents: dict[str, str]) -> str:
    sections = []
    for document_id, text in documents.items():
        quotes = obs[obs["document_id"] == document_id]
        cuts = sorted({0, len(text), *quotes["quote_start"].astype(int), *quotes["quote_end"].astype(int)})
        pieces = []
        for start, end in zip(cuts, cuts[1:]):
            covering = [q.observation_id for q in quotes.itertuples() if q.quote_start <= start and end <= q.quote_end]
            chunk = escape(text[start:end])
            if covering:
                classes = " ".join(f"q-{c}" for c in covering)
                pieces.append(f'<span class="q {classes}" data-obs="{" ".join(covering)}">{chunk}</span>')
            else:
                pieces.append(chunk)
        sections.append(f'<h3><code>{escape(document_id)}</code></h3><pre id="document" lang="zh-Hans">{"".join(pieces)}</pre>')
    return ('<section id="source"><h2>Source text 原文</h2><p>Quote shown: <span id="shown">none yet</span>. '
            "Highlighted spans are quotes; click one to go to its observation.</p>" + "".join(sections) + "</section>")


def _downloads(files: dict[str, tuple[int, str]]) -> str:
    rows = [f'<tr><td><a href="{escape(p)}">{escape(p)}</a></td><td class="num" data-sort="{size}">{size:,}</td>'
            f"<td><code>{digest}</code></td></tr>" for p, (size, digest) in sorted(files.items())]
    note = "SHA256SUMS lists every file of the release, this page included; check them with <code>sha256sum -c SHA256SUMS</code>."
    return ('<section id="downloads"><h2>Downloads</h2>' + _table(["file", "bytes", "sha256"], rows) + f"<p>{note}</p></section>")
