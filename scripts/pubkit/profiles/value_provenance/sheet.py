"""The value-provenance profile's part of the datasheet: reads the figures and archives, returns HTML.

Each figure's value links to its quote, highlighted in the archived text at its
offsets (one sweep over the sorted offsets), and each highlighted quote links back;
the charts the package declares are drawn (``pubkit.charts``).
"""

from __future__ import annotations

import itertools
import json
from html import escape

import pandas as pd

from pubkit.extensions import Context, Datasheet
from pubkit.formats import charts
from pubkit.formats.datasheet import PREVIEW_ROWS, ROW_ANCHOR
from pubkit.profiles.value_provenance import archive as vp_archive
from pubkit.profiles.value_provenance import catalogue as vp_catalogue
from pubkit.profiles.value_provenance import declaration as vp_roles
from pubkit.standard import fieldtypes

STYLE = """
a.value{font-weight:600;white-space:nowrap}.chart{width:100%;max-width:36rem;height:auto}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
pre.document{white-space:pre-wrap;font-family:inherit;background:#fafafa;border:1px solid #eee;padding:1rem}
.q{background:#fff3bf;cursor:pointer}.q.active{background:#ffd43b;outline:2px solid #e67700}
tr.flash{background:#e7f5ff}#shown{font-weight:600}.says{color:#444}
.status{font-size:.8em;border:1px solid #e67700;color:#a34d00;border-radius:.6em;padding:0 .35em;margin-left:.2em}
@media (max-width:40rem){.says,.status{display:block;width:max-content;margin-left:auto}}
"""
SCRIPT = """
function show(id){document.querySelectorAll('.q.active').forEach(function(e){e.classList.remove('active')});
var parts=document.querySelectorAll('.q[data-obs~="'+CSS.escape(id)+'"]');parts.forEach(function(e){e.classList.add('active')});
document.getElementById('shown').textContent=id;if(parts.length){parts[0].scrollIntoView({block:'center'})}
if(history.replaceState){history.replaceState(null,'','#'+encodeURIComponent(id))}}
function fromLink(){var id=decodeURIComponent(location.hash.slice(1));
if(id&&document.querySelector('.q[data-obs~="'+CSS.escape(id)+'"]')){show(id)}}
window.addEventListener('hashchange',fromLink);fromLink();
document.querySelectorAll('a.value').forEach(function(a){a.addEventListener('click',function(e){
e.preventDefault();show(a.dataset.obs)})});
document.querySelectorAll('.q').forEach(function(q){q.addEventListener('click',function(){
var ids=q.dataset.obs.split(' '),shown=document.getElementById('shown').textContent;
var row=document.getElementById(ROW_ANCHOR+(ids.indexOf(shown)>=0?shown:ids[0]));
document.querySelectorAll('tr.flash').forEach(function(r){r.classList.remove('flash')});
row.classList.add('flash');row.scrollIntoView({block:'center'})})});
""".replace("ROW_ANCHOR", json.dumps(ROW_ANCHOR))


HEADINGS = {"zh": {"Source text": "原文", "Charts": "图表"}}


def _language(ctx: Context, r) -> str:
    """The documents' one language, where they share one (their own field's, else the profile's); else ""."""
    field = r.document_fields.get("language")
    documents = ctx.frames.get(r.documents)
    if field and documents is not None and field in documents:
        tags = {str(tag) for tag in documents[field].dropna()}
        return tags.pop() if len(tags) == 1 else ""
    return r.language or ""


def datasheet(ctx: Context) -> Datasheet:
    r = vp_roles.ready(ctx)
    if r is None:
        return Datasheet()
    figures = vp_roles.figures_frame(ctx, r)
    shown = figures.iloc[:PREVIEW_ROWS]
    ids = shown["id"].astype(str)
    status = shown["status"] if "status" in shown else pd.Series(None, index=shown.index, dtype="object")
    links = [
        f'<a class="value" href="#source" data-obs="{escape(i, quote=True)}" title="{escape(_human(v, q), quote=True)}">'
        f"{escape(_human_scale(v, q))}</a>{' ' + escape(str(u)) if pd.notna(u) else ''}{_words(q, f)}"
        for i, v, q, u, f in zip(ids, shown["value"], shown["qualifier"], shown["unit"], status, strict=True)
    ]
    # The headings in English, and in the documents' language beside it where it has words for them here
    words = HEADINGS.get(_language(ctx, r).split("-")[0], {})
    heading = lambda english: f"{english} {words[english]}" if english in words else english  # noqa: E731
    sections = [("source", heading("Source text"), _source(ctx, r, shown))]
    charts = _charts(ctx, r, figures)
    if charts:
        sections.insert(0, ("charts", heading("Charts"), charts))
    return Datasheet(
        cell_links={(r.figures, r.figure_fields["value"]): pd.Series(links, index=shown.index)},
        row_ids={r.figures: ids},
        priority={r.figures: [r.figure_fields[k] for k in ("id", "value", "statedText") if k in r.figure_fields]},
        sections=sections,
        style=STYLE,
        script=SCRIPT,
    )


QUALIFIER_WORDS = {
    "approx": "about",
    "nearly": "nearly",
    "more_than": "more than",
    "at_least": "at least",
    "less_than": "less than",
    "at_most": "at most",
}
STATUS_WORDS = {"F": "forecast", "E": "estimated", "P": "provisional"}  # SDMX CL_OBS_STATUS; A (normal) says nothing


def _words(qualifier, status) -> str:
    """What the sign and the status code say, in words after the value: `` (nearly)``, `` forecast``."""
    said = QUALIFIER_WORDS.get(qualifier) if isinstance(qualifier, str) else None
    state = STATUS_WORDS.get(status) if isinstance(status, str) else None
    return (f' <span class="says">({said})</span>' if said else "") + (
        f' <span class="status">{state}</span>' if state else ""
    )


SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def _human_scale(value, qualifier) -> str:
    """A value at human scale, exactly (``10 trillion``, ``6.2 trillion``): a scale word only where the
    value in it needs at most three decimals, so nothing is rounded; else every digit (``_human``)."""
    from decimal import Decimal

    if pd.isna(value):
        return ""
    exact = Decimal(fieldtypes.format_number(value))
    sign = charts.SIGNS.get(qualifier, "") if pd.notna(qualifier) else ""
    for size, word in SCALES:
        scaled = exact / size
        if abs(exact) >= size and scaled == scaled.quantize(Decimal("0.001")):
            return f"{sign}{scaled.normalize():f} {word}"
    return _human(value, qualifier)


def _human(value, qualifier) -> str:
    if pd.isna(value):
        return ""
    exact = fieldtypes.format_number(value)  # every stated digit, never rounded: 0.000015 stays 0.000015
    decimals = len(exact.split(".")[1]) if "." in exact else 0
    return f"{charts.SIGNS.get(qualifier, '') if pd.notna(qualifier) else ''}{value:,.{decimals}f}"


def _source(ctx: Context, r: vp_roles.Roles, shown: pd.DataFrame) -> str:
    """Each archived text, the quotes of the figures shown highlighted: one sweep over sorted offsets."""
    texts, _ = vp_archive.archived_texts(ctx, r)
    parts = []
    for document, (_path, text, _language) in texts.items():
        quotes = shown.loc[shown["document"] == document, ["id", "quoteStart", "quoteEnd"]].dropna()
        spans = sorted(zip(map(int, quotes["quoteStart"]), map(int, quotes["quoteEnd"]), quotes["id"].astype(str)))
        cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
        pieces, open_spans, i = [], [], 0
        for start, end in itertools.pairwise(cuts):
            while i < len(spans) and spans[i][0] <= start:
                open_spans.append(spans[i])
                i += 1
            open_spans = [s for s in open_spans if s[1] > start]
            chunk = escape(text[start:end])
            covering = [label for s, e, label in open_spans if s <= start and end <= e]
            if covering:
                pieces.append(
                    f'<span class="q" tabindex="0" data-obs="{escape(" ".join(covering), quote=True)}">{chunk}</span>'
                )
            else:
                pieces.append(chunk)
        parts.append(
            f'<h3><code>{escape(str(document))}</code></h3><pre class="document" lang="zh-Hans">{"".join(pieces)}</pre>'
        )
    intro = (
        '<p>Quote shown: <span id="shown">none yet</span>. Click a value to see its quote highlighted; '
        "click a highlighted quote to go to its figure.</p>"
    )
    return intro + "".join(parts)


def _charts(ctx: Context, r: vp_roles.Roles, figures: pd.DataFrame) -> str:
    source = ctx.frames[r.figures]
    figures_html, drawn_qualifiers = [], set()
    for chart in ctx.pkg.descriptor[vp_catalogue.PROPERTY].get("charts", []):
        chosen = pd.Series(True, index=source.index)
        for field, values in chart["where"].items():
            chosen &= source[field].isin(values) if field in source else False
        rows = figures[chosen.to_numpy()]
        if not len(rows):
            continue
        labels = source.loc[chosen, chart["label"]].astype("string").fillna("—").agg(", ".join, axis=1)
        status = rows["status"] if "status" in rows else pd.Series("A", index=rows.index)
        svg = charts.bars(
            (rows["value"] / chart.get("scale", 1)).tolist(),
            rows["qualifier"].tolist(),
            (status == "F").tolist(),
            labels.tolist(),
            chart["axis"],
            chart["title"],
            chart.get("horizontal", False),
        )
        drawn_qualifiers.update(rows["qualifier"].tolist())
        caption = escape(chart.get("caption", ""))
        figures_html.append(
            f"<figure>{svg}<figcaption>{caption} Source: {escape(_sources_line(ctx))}</figcaption></figure>"
        )
    if not figures_html:
        return ""
    return _legend(drawn_qualifiers) + "".join(figures_html)


def _legend(qualifiers: set) -> str:
    """A legend for what is drawn, and nothing else: hatched bars only where a bound is drawn."""
    bounds, exact = qualifiers - {"exact"}, "exact" in qualifiers
    if bounds and exact:
        return "<p>Hatched bars are bounds (the sign says which); solid bars are exact figures.</p>"
    if bounds:
        return "<p>Every bar is a bound, hatched (the sign says which).</p>"
    return "<p>Every bar is an exact figure, as stated.</p>"


def _sources_line(ctx: Context) -> str:
    return "; ".join(s.get("title", s.get("path", "")) for s in ctx.pkg.descriptor.get("sources", []))
