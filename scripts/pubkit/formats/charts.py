"""Bar charts of stated figures: reads values and their qualifiers, returns inline SVG. Writes nothing.

Drawn honestly: only stated figures become bars (no lines, so no invented points
between them); a bound is hatched and labelled with its sign. Which figures share
a chart is the package's declaration, never the toolkit's. Bytes are stable: a
fixed hash salt, no date, text kept as text (``$`` escaped, so no mathtext).
"""

from __future__ import annotations

import io
import re
import textwrap

SIGNS = {
    "exact": "",
    "approx": "≈ ",
    "nearly": "≤ ",
    "more_than": "> ",
    "at_least": "≥ ",
    "less_than": "< ",
    "at_most": "≤ ",
}


def bars(
    values: list[float],
    qualifiers: list[str],
    forecasts: list[bool],
    labels: list[str],
    axis: str,
    title: str,
    horizontal: bool = False,
) -> str:
    """One bar per figure, labelled with its value and sign; returns an ``<svg>`` element."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "pubkit", "svg.fonttype": "none", "font.size": 9})
    bounds = [q != "exact" for q in qualifiers]
    texts = [
        _plain(f"{SIGNS.get(q, '? ')}{v:g}" + (" (forecast)" if f else ""))
        for q, v, f in zip(qualifiers, values, forecasts, strict=True)
    ]
    height = max(2.6, 0.45 * len(values) + 1) if horizontal else 3.2
    # 4.8 inches wide: shown on a 390 px phone at about 0.85 of its size, its 9-point text is 10 px tall
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, height))
    positions = range(len(values))
    draw = axes.barh if horizontal else axes.bar
    drawn = draw(positions, values, color=["#c6dbef" if b else "#3182bd" for b in bounds], edgecolor="#08519c")
    for bar, bound in zip(drawn, bounds, strict=True):
        if bound:
            bar.set_hatch("///")
    axes.bar_label(drawn, labels=texts, padding=2)
    (axes.set_yticks if horizontal else axes.set_xticks)(list(positions), [_plain(label) for label in labels])
    (axes.set_xlabel if horizontal else axes.set_ylabel)(_plain(axis))
    axes.set_title(_plain(textwrap.fill(title, TITLE_CHARACTERS)), loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.25) if horizontal else axes.margins(y=0.2)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    return _inline(buffer.getvalue(), title)


WIDTH_INCHES = 4.8
TITLE_CHARACTERS = 60  # a title wraps to the chart's width


def _plain(text: str) -> str:
    """Text drawn as written: a ``$`` would start matplotlib's mathtext."""
    return text.replace("$", r"\$")


def _inline(svg: str, title: str) -> str:
    """An SVG element for embedding: no XML prolog, it scales with the page, and it has an accessible name."""
    from html import escape

    svg = svg[svg.index("<svg") :]
    return re.sub(
        r'<svg([^>]*?) width="[^"]+" height="[^"]+"',
        lambda m: f'<svg{m.group(1)} class="chart" role="img" aria-label="{escape(title, quote=True)}"',
        svg,
        count=1,
    )
