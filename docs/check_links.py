"""Check a built site offline: every internal link and anchor resolves, and nothing loads from another server.

    python docs/check_links.py build/html

For each page (the .html files outside _static):
- each relative ``href``/``src`` names a file of the site, and its ``#fragment`` an id on that page;
- no script, stylesheet, image, font or frame comes from another host (links to other sites may).
Sphinx's own ``linkcheck`` builder needs the network; this needs none.
Exits non-zero, listing every problem, if any is found.
"""
from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that load something into the page, as opposed to <a href> which only points elsewhere.
# A <link> loads something only with one of these rel values.
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload"}
LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("embed", "src")}


class Page(HTMLParser):
    """The ids a page defines, and the URLs it links to or loads."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                # <link rel="canonical"> and the like only name a page: only stylesheets and icons load.
                if tag == "link" and not LOADING_RELS & set(attrs.get("rel", "").split()):
                    continue
                self.links.append((tag, name, attrs[name]))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def problems(site: Path) -> list[str]:
    site = site.resolve()
    pages = {p: parse(p) for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts}
    found = []
    for path, page in pages.items():
        where = path.relative_to(site)
        for tag, attribute, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "javascript", "data"):
                continue
            if parts.scheme or url.startswith("//"):
                if (tag, attribute) in LOADS:
                    found.append(f"{where}: <{tag} {attribute}> loads from another server: {url}")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                found.append(f"{where}: broken link {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    found.append(f"{where}: no anchor #{parts.fragment} in {target.relative_to(site)}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    site = Path(argv[1])
    if not (site / "index.html").is_file():
        print(f"{site}: no index.html; build the site first (make site)", file=sys.stderr)
        return 2
    found = problems(site)
    for line in found:
        print(line, file=sys.stderr)
    pages = sum(1 for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    print(f"{site}: {pages} pages, {len(found)} broken links or external loads")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
