"""Sphinx configuration of the course's website: `make site` builds it into build/html.

The Makefile gathers the sources into build/site-src first: this folder's pages, README.md,
README.zh-CN.md and notebooks/, laid out as in the repository, so every relative link in
README and the notebooks works unchanged on the site.
The notebooks are shown with the outputs they are committed with (CI checks those), never run here.
Nothing on a page comes from another server: MathJax is served from the site itself.
"""
import re

project = "lrcourse"
author = "the lrcourse authors"
copyright = "the lrcourse authors"
HOME = "https://github.com/lrcourse/lrcourse"

extensions = ["myst_nb"]
root_doc = "index"
# README.md is the front page through an include in index.md, not a page of its own.
exclude_patterns = ["README.md", "**/.ipynb_checkpoints", "_build"]

# Notebooks: show the stored outputs, never execute.
nb_execution_mode = "off"
# A widget view needs a live kernel or widget JavaScript from a CDN; the explorer's stored
# figure (image/png) or its text stands in for it instead.
nb_mime_priority_overrides = [("*", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}

# Markdown: $...$ and $$...$$ formulas as in the notebooks, and anchors for README's "#section" links.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# MathJax 3, unpacked by the Makefile into _static/mathjax (a path relative to _static).
mathjax_path = "mathjax/tex-chtml.js"
html_static_path = ["_static"]

html_theme = "sphinx_book_theme"
html_title = "lrcourse: learning-rate scheduling in PyTorch"
html_theme_options = {
    "repository_url": HOME,
    "repository_branch": "main",
    "use_repository_button": True,
    "launch_buttons": {"colab_url": "https://colab.research.google.com", "binderhub_url": "https://mybinder.org"},
}
# The figures are drawn on white: a light page suits them (and the theme wants a mode named).
html_context = {"default_mode": "light"}
# A broken reference is an error: sphinx-build runs with -W.
nitpicky = True


# README.md is the front page here (index.md includes it), so a link to README.md from another
# page, written for GitHub's viewer, is pointed at index.md before the page is parsed.
README_LINK = re.compile(r"\]\(((?:\.\./)*)README\.md(#[^)\s]*)?\)")
# A badge, [![Open In Colab](image URL)](link), becomes a plain link: its image would come from another server.
BADGE = re.compile(r"\[!\[([^\]]*)\]\([^)\s]*\)\]\(([^)\s]*)\)")


def for_the_site(text: str) -> str:
    text = README_LINK.sub(lambda m: f"]({m[1]}index.md{m[2] or ''})", text)
    return BADGE.sub(r"[\1](\2)", text)


def rewrite_page(app, docname, source):
    source[0] = for_the_site(source[0])


def rewrite_included(app, relative_path, parent_docname, content):
    content[0] = for_the_site(content[0])


def setup(app):
    app.connect("source-read", rewrite_page)
    app.connect("include-read", rewrite_included)
