"""Which end of a build is the last one, when builds nest.

mkdocs-static-i18n builds every other language from inside the default language's
``on_post_build``, so a hook's ``on_pre_build`` and ``on_post_build`` run once per language,
nested. A hook that must act once on the whole site (the search index of all languages, the
first-visit rewrite) acts when the outermost build ends. Plain Python, no MkDocs imports.
"""

from __future__ import annotations


class NestedBuilds:
    """Counts the builds under way: ``start`` at each pre-build, ``ended`` at each post-build
    (true for the outermost), ``abandon`` when a build fails (none is under way any more)."""

    def __init__(self) -> None:
        self.depth = 0

    def start(self) -> None:
        self.depth += 1

    def ended(self) -> bool:
        self.depth -= 1
        return self.depth <= 0

    def abandon(self) -> None:
        self.depth = 0
