"""Accessibility fixes axe-core asks for, where the upstream markup falls short.

* **The search dialog has no name.** Material renders ``<div class="md-search" role="dialog">``
  with no accessible name (axe rule ``aria-dialog-name``, serious). We name it, in the page's
  language.
* **Code cells that scroll sideways cannot be reached by keyboard.** mkdocs-jupyter's code
  cells overflow horizontally on narrow screens but are not focusable (axe rule
  ``scrollable-region-focusable``, serious); Material's own code blocks get ``tabindex="0"``
  from its JavaScript, notebook cells do not (mkdocs-jupyter issue #190 on keyboard access).
  We add the ``tabindex`` in the HTML.

Colour contrast of code tokens, links in running text and the footer is fixed in
``extensions/overrides/assets/stylesheets/sinfit.css``.
"""

from __future__ import annotations

SEARCH_NAME = {"en": "Search", "ko": "검색"}


def on_post_page(output: str, page, config) -> str:
    name = SEARCH_NAME.get(str(config["theme"]["language"]), SEARCH_NAME["en"])
    output = output.replace(
        '<div class="md-search" data-md-component="search" role="dialog">',
        f'<div class="md-search" data-md-component="search" role="dialog" aria-label="{name}">',
    )
    return output.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
