"""The notebook stylesheet cut down to the rules a page can use."""

from __future__ import annotations

from extensions.sitebuild.styles import subset, used_names

CSS = """
:root { --used: red; --via: var(--used); --unused: blue; }
pre { line-height: 125%; }
.jp-Cell { color: var(--via); }
.jp-Unused, .jp-Cell .c1 { font-style: italic; }
.jp-Cell:not(.jp-mod-active) { margin: 0; }
.jp-Cell :is(.jp-MarkdownCell:hover, .jp-mod-active) .c1, .jp-Unused { outline: none; }
[data-jp-theme-light='false'] .jp-Cell { background: black; }
#main .jp-Cell { padding: 1px; }
#other { padding: 2px; }
@media print { .jp-Cell { display: none; } .jp-Unused { display: none; } }
@media print { .jp-Unused { display: block; } }
@import url("https://example.com/x.css");
"""


def test_only_rules_that_can_match_the_page_are_kept() -> None:
    html = '<div id="main" class="jp-Cell"><span class="c1">#</span></div>'
    out = subset(CSS, *used_names([html]))
    assert "pre{line-height:125%}" in out
    assert ".jp-Cell .c1{font-style:italic}" in out and "jp-Unused" not in out
    assert ".jp-Cell:not(.jp-mod-active)" in out, "a class inside :not() is not required"
    assert ".jp-Cell :is(.jp-MarkdownCell:hover, .jp-mod-active) .c1{outline:none}" in out
    assert '[data-jp-theme-light="false"] .jp-Cell' in out
    assert "#main .jp-Cell" in out and "#other" not in out
    assert "@media print{\n.jp-Cell{display:none}\n}" in out
    assert out.count("@media") == 1 and "@import" not in out


def test_custom_properties_are_kept_as_far_as_the_rules_reach_them() -> None:
    out = subset(CSS, {"jp-Cell"}, set())
    assert "--via:var(--used)" in out and "--used:red" in out
    assert "--unused" not in out
    assert ":root" not in subset(CSS, set(), set()), "no rule left with nothing to declare"


def test_the_names_come_from_every_page() -> None:
    classes, ids = used_names(['<p class="a b">', '<div id="x" class="c">'])
    assert classes == {"a", "b", "c"} and ids == {"x"}
