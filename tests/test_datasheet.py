"""The release's index.html, in a real headless Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import csv

import pytest
from PIL import Image, ImageStat

from conftest import ROOT, require_program
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)
PAGE = ROOT / "dist" / PKG.release_name / "index.html"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def observation_rows() -> list[dict]:
    with (ROOT / "dist" / PKG.release_name / "csv" / "observations.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def browser():
    chromium = require_program("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        yield launched
        launched.close()


def open_page(browser, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(PAGE.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def test_the_page_loads_offline_with_no_error(browser):
    page, problems, requests = open_page(browser, 1280)
    assert problems == []
    assert requests == [PAGE.as_uri()]  # nothing fetched but the page itself
    assert "China" in page.title()


def test_every_observation_is_on_the_page(browser):
    page, _, _ = open_page(browser, 1280)
    ids = [row["observation_id"] for row in observation_rows()]
    assert [i for i in ids if page.locator(f"tr#row-{i}").count() != 1] == []


def test_clicking_a_value_highlights_its_quote_and_back(browser):
    page, problems, _ = open_page(browser, 1280)
    row = next(r for r in observation_rows() if r["observation_id"] == "obs-013")
    page.click('a.value[data-obs="obs-013"]')
    highlighted = page.locator('.q.active[data-obs~="obs-013"]')
    assert highlighted.count() >= 1
    assert "".join(highlighted.all_inner_texts()) == row["quote"]
    assert page.inner_text("#shown") == "obs-013"
    highlighted.first.click()
    assert "flash" in page.get_attribute("tr#row-obs-013", "class")
    assert problems == []


def test_tables_sort_by_column(browser):
    page, _, _ = open_page(browser, 1280)
    headers = page.eval_on_selector_all("#table-observations table.sortable th", "hs => hs.map(h => h.textContent)")
    value_column = headers.index("value") + 1
    page.click(f"#table-observations table.sortable th:nth-child({value_column})")
    first = page.locator("#table-observations table.sortable tbody tr").first.get_attribute("id")
    smallest = "row-" + min(observation_rows(), key=lambda r: float(r["value"]))["observation_id"]
    assert first == smallest


@pytest.mark.parametrize("width", [1280, 390])
def test_full_page_screenshot_is_not_blank(browser, tmp_path, width):
    page, _, _ = open_page(browser, width)
    shot = tmp_path / f"index-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    image = Image.open(shot).convert("L")
    assert image.size[0] == width and image.size[1] > 2000
    assert ImageStat.Stat(image).stddev[0] > 10  # not one flat colour
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing spills sideways


def test_a_permalink_opens_with_its_quote_highlighted_and_a_click_makes_one(browser):
    """#15: index.html#obs-017 shows obs-017's quote; clicking a value puts its id into the address."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(PAGE.as_uri() + "#obs-017")
    page.wait_for_load_state("load")
    row = next(r for r in observation_rows() if r["observation_id"] == "obs-017")
    assert page.inner_text("#shown") == "obs-017"
    assert "".join(page.locator('.q.active[data-obs~="obs-017"]').all_inner_texts()) == row["quote"]
    page.click('a.value[data-obs="obs-013"]')
    assert page.evaluate("location.hash") == "#obs-013"
    assert problems == []


def test_the_page_embeds_its_schema_org_description_and_a_bibtex_entry(browser):
    import json

    page, problems, _ = open_page(browser, 1280)
    embedded = json.loads(page.inner_text('script[type="application/ld+json"]'))
    assert (embedded["@type"], embedded["version"]) == ("Dataset", PKG.version)
    files = {d["contentUrl"] for d in embedded["distribution"]}
    assert "csv/observations.csv" in files and "index.html" not in files  # the page cannot hash itself
    assert page.get_attribute('meta[name="description"]', "content") == PKG.descriptor["description"]
    assert page.text_content("#cite pre").startswith("@misc{china_manufacturing_regions_")
    hrefs = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.getAttribute('href'))")
    assert "SHA256SUMS" in hrefs and not [h for h in hrefs if h.startswith("../")]
    assert problems == []


def test_at_390_px_every_value_is_in_view_at_human_scale_and_nearly_is_never_less_than(browser):
    """#15: on a phone the observations table shows its main columns (id, value, stated text), every value
    within the screen's width, written at human scale with every digit one tap (its title) away."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(PAGE.as_uri())
    page.wait_for_load_state("load")
    boxes = page.eval_on_selector_all(
        "#table-observations a.value",
        "links => links.map(a => {const r = a.getBoundingClientRect(); return [a.dataset.obs, r.left, r.right, r.width]})",
    )
    assert len(boxes) == len(observation_rows())
    assert [b[0] for b in boxes if not (b[1] >= 0 and b[2] <= 390 and b[3] > 0)] == []
    texts = page.eval_on_selector_all(
        "#table-observations a.value", "links => links.map(a => [a.textContent, a.title])"
    )
    nearly = [r["observation_id"] for r in observation_rows() if r["value_qualifier"] == "nearly"]
    shown = dict(zip([b[0] for b in boxes], texts, strict=True))
    assert nearly and all(shown[i][0].startswith("≤ ") and shown[i][1].startswith("≤ ") for i in nearly)
    assert not any("<" in text for text, _ in texts)
    assert tuple(shown["obs-002"]) == ("≤ 10 trillion", "≤ 10,000,000,000,000")
    quote = page.locator("#table-observations th", has_text="quote_start")
    assert not quote.is_visible()
    page.click("#table-observations button.all-columns")
    assert quote.is_visible()


def test_a_tables_header_stays_in_view_while_its_rows_scroll(browser):
    """#15: each table scrolls in a box of at most 80 % of the screen, and its header row sticks to its top."""
    page = browser.new_page(viewport={"width": 1280, "height": 600})
    page.goto(PAGE.as_uri())
    page.wait_for_load_state("load")
    box = page.locator("#table-observations .scroll:has(table.sortable)")
    box.scroll_into_view_if_needed()
    box.evaluate("b => { b.scrollTop = 400 }")
    header = page.locator("#table-observations table.sortable thead th").first.bounding_box()
    frame = box.bounding_box()
    assert frame["height"] <= 0.8 * 600 + 1
    assert abs(header["y"] - frame["y"]) < 2


MAIN_ROWS = "#table-observations table.sortable.priority tbody tr"


def test_at_1280_px_a_row_is_one_line_with_names_the_value_in_words_and_the_forecast(browser):
    """#24: the observations lead the page; each row is one line (a long quote is clipped until the row has
    the focus), and shows the indicator's and the area's names, the period, the value with its qualifier
    in words, and a forecast said as one."""
    page, problems, _ = open_page(browser, 1280)
    sections = page.eval_on_selector_all("section[id^=table-]", "s => s.map(e => e.id)")
    assert sections[0] == "table-observations"
    heights = page.eval_on_selector_all(MAIN_ROWS, "rs => rs.map(r => r.getBoundingClientRect().height)")
    assert len(heights) == len(observation_rows()) and max(heights) < 40
    headers = page.eval_on_selector_all(f"{MAIN_ROWS[:-9]} thead th", "hs => hs.map(h => h.textContent)")
    assert headers[:4] == ["indicator_id", "area_id", "period", "value"]
    nearly = page.locator("tr#row-obs-002")
    cells = nearly.locator("td").all_inner_texts()
    assert cells[:4] == [
        "Output of the clusters' leading industries cluster_leading_industry_output_cny",
        "China china",
        "",
        "≤ 10 trillion CNY (nearly)",
    ]
    assert all(nearly.locator("td").nth(i).is_visible() for i in range(4))
    forecast = page.locator("tr#row-obs-013 td").nth(3)
    assert forecast.inner_text() == "> 200 billion CNY (more than) forecast"
    assert page.locator("tr#row-obs-013 .status").is_visible()
    box = forecast.bounding_box()
    assert box["x"] + box["width"] <= 1280
    note = page.locator("tr#row-obs-013 td").nth(headers.index("note"))
    closed = note.bounding_box()["height"]
    assert note.get_attribute("title") == next(
        r["note"] for r in observation_rows() if r["observation_id"] == "obs-013"
    )
    page.locator("tr#row-obs-013").focus()
    assert note.bounding_box()["height"] > closed and problems == []


def test_at_390_px_a_row_names_its_indicator_and_area_beside_the_value(browser):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(PAGE.as_uri())
    page.wait_for_load_state("load")
    row = page.locator("tr#row-obs-013 td")
    shown = [i for i in range(row.count()) if row.nth(i).is_visible()]
    texts = [" ".join(row.nth(i).inner_text().split()) for i in shown]
    assert texts == [
        "Investment over the whole year",
        "Xiong'an New Area",
        "2022",
        "> 200 billion CNY (more than) forecast",
    ]
    right = max(row.nth(i).bounding_box()["x"] + row.nth(i).bounding_box()["width"] for i in shown)
    assert right <= 390
    labels = page.eval_on_selector_all("svg.chart text", "ts => ts.map(t => t.getBoundingClientRect().height)")
    assert labels and min(labels) >= 10  # a chart's words at least 10 px tall on a phone


def test_every_link_of_the_page_resolves_in_the_unpacked_zip(browser, tmp_path):
    """#24: a user who downloads the zip and opens index.html follows every link to a file that is there."""
    import zipfile
    from urllib.parse import unquote, urlsplit

    with zipfile.ZipFile(ROOT / "dist" / f"{PKG.release_name}.zip") as archive:
        archive.extractall(tmp_path)
    unpacked = tmp_path / PKG.release_name
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto((unpacked / "index.html").as_uri())
    page.wait_for_load_state("load")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    local = {unquote(urlsplit(h).path) for h in hrefs if not urlsplit(h).scheme and urlsplit(h).path}
    assert "csv/observations.csv" in local and "SHA256SUMS" in local
    assert sorted(p for p in local if not (unpacked / p).is_file()) == []
