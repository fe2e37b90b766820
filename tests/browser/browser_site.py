"""The built website (`make site`, build/html) in a real browser, served from 127.0.0.1 only.

Each lesson page shows its figures, every formula comes out typeset by the site's own MathJax
(no TeX error), nothing answers 404, nothing logs an error, and nothing is fetched from another host.
"""
from __future__ import annotations

import functools
import http.server
import threading

import pytest

from browsing import ROOT, browser, free_port, page, record  # noqa: F401  (fixtures)

SITE = ROOT / "build" / "html"
# Every lesson in notebooks/ (the site is checked against the sources, so a page left out fails).
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
# The href of every element that a CSS selector matches.
HREFS = "selector => Array.from(document.querySelectorAll(selector)).map(a => a.getAttribute('href'))"


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / ".nojekyll").is_file():
        pytest.fail("no finished site in build/html: run `make site` first")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test records every response itself
        pass


def wait_for_mathjax(page):
    """Wait until MathJax has typeset the page; return (formulas on the page, formulas typeset, TeX errors)."""
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")
    return page.evaluate(
        """() => [document.querySelectorAll('.math').length,
                  document.querySelectorAll('.math mjx-container').length,
                  document.querySelectorAll('mjx-merror').length]"""
    )


def test_every_lesson_and_solution_is_on_the_site():
    for folder in ("notebooks", "notebooks/solutions"):
        sources = {p.stem for p in (ROOT / folder).glob("[0-9]*.ipynb")}
        assert sources and {p.stem for p in (SITE / folder).glob("[0-9]*.html")} == sources, folder


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_page_shows_its_figures_and_formulas(page, record, site_url, lesson):
    response = page.goto(f"{site_url}/notebooks/{lesson}.html", wait_until="load")
    assert response.status == 200
    figures = page.evaluate(
        """() => Array.from(document.querySelectorAll('article img'))
                     .map(img => [img.getAttribute('src'), img.complete && img.naturalWidth > 0])"""
    )
    assert figures, "a lesson without a single figure"
    assert [src for src, shown in figures if not shown] == [], "figures that did not load"
    formulas, typeset, errors = wait_for_mathjax(page)
    assert formulas > 0 and typeset == formulas and errors == 0
    # MathJax came from this site, and so did its fonts.
    assert any(url.endswith(".woff") for _, url in record.responses)
    assert any("/_static/mathjax/tex-chtml.js" in url for _, url in record.responses)
    record.assert_clean()


def test_the_front_page_links_every_lesson_and_search_finds_one(page, record, site_url):
    page.goto(f"{site_url}/index.html", wait_until="load")
    assert "lrcourse" in page.title()
    links = set(page.evaluate(HREFS, "a[href]"))
    for lesson in LESSONS:
        assert f"notebooks/{lesson}.html" in links
    page.goto(f"{site_url}/search.html?q=CosineAnnealingWarmRestarts", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=30_000)
    hits = page.evaluate(HREFS, "#search-results li a")
    assert any("06_warm_restarts" in h for h in hits), hits
    record.assert_clean()
