"""Charts for the datasheet: reads observations and indicators, returns inline SVG strings.

Drawn honestly: only stated figures become bars (no lines, so no invented points
between them); a bound is hatched and labelled with its sign, and a figure whose
period the document does not state says so. Bytes are stable: a fixed hash salt,
no date, text kept as text.
"""
from __future__ import annotations

import io
import re
import textwrap

import pandas as pd

SIGNS = {"exact": "", "approx": "≈ ", "nearly": "< ", "more_than": "> ", "at_least": "≥ ", "less_than": "< ", "at_most": "≤ "}
COUNTED = ("centres", "clusters", "zones")
LABEL_WIDTH = 34
NO_PERIOD = "period not stated"


def all_charts(observations: pd.DataFrame, indicators: pd.DataFrame, areas: pd.DataFrame) -> list[tuple[str, str]]:
    """(caption, svg) for each chart whose figures the package holds."""
    obs = observations.merge(indicators[["indicator_id", "name_en", "unit"]], on="indicator_id")
    obs = obs.merge(areas[["area_id", "name_en"]].rename(columns={"name_en": "area_en"}), on="area_id")
    charts = []
    west = obs[(obs["indicator_id"] == "above_size_industrial_va_national_share_pct") & (obs["area_id"] == "west")]
    if len(west):
        charts.append(("The western region's share of national value added of industry above designated size, "
                       "as stated for 2012 and 2021 (no values between are stated, so none are drawn).",
                       _bars(west.sort_values("period"), west["period"], "percent of the national total", scale=1)))
    counts = obs[obs["unit"].isin(COUNTED)].sort_values(["unit", "value"])
    if len(counts):
        labels = (counts["name_en"] + " — " + counts["area_en"]).map(lambda t: textwrap.fill(t, LABEL_WIDTH))
        charts.append(("Zones, centres and clusters counted, by area.", _bars(counts, labels, "count", horizontal=True)))
    output = obs[obs["indicator_id"].isin(["cluster_leading_industry_output_cny", "cluster_output_cny"])]
    if len(output):
        labels = output["name_en"] + ", " + output["period"].fillna(NO_PERIOD)
        charts.append(("Output of the 25 advanced manufacturing clusters: the leading industries' output "
                       "(a bound, period not stated) against the clusters' output in the first half of 2022.",
                       _bars(output, labels, "trillion yuan", scale=1e12)))
    return charts


def _bars(rows: pd.DataFrame, labels: pd.Series, axis_label: str, scale: float = 1, horizontal: bool = False) -> str:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "pubkit", "svg.fonttype": "none", "font.size": 9})
    values = (rows["value"] / scale).tolist()
    bounds = [q != "exact" for q in rows["value_qualifier"]]
    texts = [f"{SIGNS[q]}{v:g}" + (" (forecast)" if s == "F" else "")
             for q, v, s in zip(rows["value_qualifier"], values, rows["obs_status"])]
    height = max(2.6, 0.45 * len(rows) + 1) if horizontal else 3.2
    figure, axes = plt.subplots(figsize=(7.5, height))
    positions = range(len(values))
    draw = axes.barh if horizontal else axes.bar
    bars = draw(positions, values, color=["#c6dbef" if b else "#3182bd" for b in bounds],
                edgecolor="#08519c", hatch=None)
    for bar, bound in zip(bars, bounds):
        if bound:
            bar.set_hatch("///")
    axes.bar_label(bars, labels=texts, padding=2)
    (axes.set_yticks if horizontal else axes.set_xticks)(list(positions), labels.tolist())
    (axes.set_xlabel if horizontal else axes.set_ylabel)(axis_label)
    axes.spines[["top", "right"]].set_visible(False)
    (axes.margins)(x=0.25) if horizontal else axes.margins(y=0.2)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return _inline(buffer.getvalue())


def _inline(svg: str) -> str:
    """An SVG element for embedding: no XML prolog, and it scales with the page."""
    svg = svg[svg.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 class="chart" role="img"', svg, count=1)
