"""What a first visit waits for, and what it fetches once the page is on screen.

On a slow phone connection a page's first paint waits for its HTML and the stylesheets in its
``<head>``; Lighthouse's model (mobile preset) also charges the first and largest paint with
every request the browser starts before them. After the build this module rewrites every
page so that only what the first screen needs comes first:

* **Material's stylesheet** (about 137 KB) is cut to the rules that can apply to the built
  pages' markup or to the classes Material's script adds to it (:mod:`styles` does the
  cutting), and that cut takes the whole sheet's place. What it leaves out can match nothing
  this site shows (features its pages do not use: versions, consent, tags...); adding the
  whole sheet after the load event instead would restyle the whole page, the longest task
  of a load.
* **The scripts** start after the load event and a frame, or at the reader's first key, tap
  or focus (``first_visit.js``): Material's (114 KB, and a start that restyles the whole
  page several times), the notebook cells' copy buttons' and the explorer's. The page is
  readable without them, and on a slow phone they went ahead of the text; Material's
  request for the search index (every page's text) follows it. The explorer's script is
  linked only from pages with an explorer.
* **The palette** a first visit shows is the one Material's script will pick (dark on a
  dark system), applied inline after Material's own palette script (``first_palette.js``):
  with that script started after the load event, a dark system's reader saw the page light
  first.
* **The explorer's data** (about 13 KB of JSON inline in its figure, as a notebook shows
  it) moves to a file named by its content (``assets/data/``, shared by the languages, whose
  code and so data are the same); the explorer's script fetches it and the static figure
  stands in meanwhile. That static figure is an image output, made a figure file like every
  other (``pages.extract_figures``: the page's alt text and caption, in its language); its
  caption moves from the picture, which the script hides, to the explorer's own figure. (An
  explorer whose picture is inline SVG has it moved to a file too, shown by a lazy ``<img>``
  with its accessible name as the text alternative.)
* **The HTML** loses what changes nothing on screen (:mod:`markup`: code spans no rule
  styles, hidden collapse controls, JupyterLab names nothing reads, indentation): the first
  paint waits for the whole HTML, and on Lighthouse's phone line every 30 KB past the first
  44 KB is another round trip.
* **Figures** load lazily: they carry their width and height, so nothing moves when they come.
* **The math font** is cut to the characters the site's formulas use (fontTools keeps the
  MATH table and the glyph variants it names), preloaded on pages with formulas and drawn
  with ``font-display: block``, so a formula is drawn once, in its font, and the text around
  it never reflows.

Nothing here imports MkDocs; ``extensions/hooks/page_markup.py`` calls :func:`finish_site`.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import re
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

from extensions.sitebuild import markup, styles
from extensions.sitebuild.files import write_atomically
from extensions.sitebuild.upstream import Rewrite, UpstreamChanged

_COMMENT_LINE = re.compile(r"^\s*//.*\n", re.M)
# Inlined in every page: the reader's copy goes without the comments (the files have them).
LOADER = _COMMENT_LINE.sub("", Path(__file__).with_name("first_visit.js").read_text("utf-8"))
FIRST_PALETTE = _COMMENT_LINE.sub(
    "", Path(__file__).with_name("first_palette.js").read_text("utf-8")
)
EXPLORER_SCRIPT = "assets/javascripts/explorer.js"
ANIMATION_SCRIPT = "assets/javascripts/animation.js"
MATH_FONT = "assets/fonts/stix-two-math.woff2"

MAIN_CSS = Rewrite(
    'Material\'s stylesheet link <link rel="stylesheet" href=".../main.<hash>.min.css">',
    re.compile(
        r'<link rel="stylesheet" href="(?P<prefix>[^"]*)'
        r'assets/stylesheets/main\.[0-9a-f]+\.min\.css">'
    ),
    "",  # per page: with_replacement
    "mkdocs-material",
)
BUNDLE = Rewrite(
    'Material\'s script <script src=".../bundle.<hash>.min.js">',
    re.compile(r'<script src="([^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>'),
    r'<script data-sinfit-later="\1" data-sinfit-material></script>',  # first_visit.js starts it
    "mkdocs-material",
)
PALETTE = Rewrite(
    'Material\'s inline palette script <script>var palette=__md_get("__palette");...</script>',
    re.compile(r'<script>var palette=__md_get\("__palette"\);[^<]*</script>'),
    "",  # with_replacement below: FIRST_PALETTE follows it
    "mkdocs-material",
)
FIGURES = Rewrite(
    'our figures <img class="sinfit-figure" ...> (extensions/sitebuild/pages.py)',
    re.compile(r'<img class="sinfit-figure" '),
    '<img class="sinfit-figure" loading="lazy" decoding="async" ',
    "sinfit",
)
EXPLORER_DATA = Rewrite(
    'the explorer\'s data <script type="application/json" class="sinfit-explorer-data">'
    " (sinfit/explorer.py)",
    re.compile(r'<script(?=[^>]*\bclass="sinfit-explorer-data")[^>]*>(.*?)</script>', re.S),
    "",  # per page: with_replacement
    "sinfit",
)
EXPLORER_PICTURE = Rewrite(
    'the explorer\'s static picture <div class="sinfit-explorer-static"><svg ...>'
    " (sinfit/explorer.py)",
    re.compile(r'<div class="sinfit-explorer-static">(<svg\b.*?</svg>)</div>', re.S),
    "",  # per page: with_replacement
    "sinfit",
)
EXPLORER_CAPTION = Rewrite(
    'the explorer\'s static picture as a figure <div class="sinfit-explorer-static"><figure '
    'class="sinfit-figure-box"><img ...><figcaption>...</figcaption></figure></div></figure> '
    "(sinfit/explorer.py writes it as an image output, extensions/sitebuild/pages.py gives it "
    "the page's alt and caption)",
    re.compile(
        r'(<div class="sinfit-explorer-static">)\s*<figure class="sinfit-figure-box">\s*'
        r"(<img\b[^>]*>)\s*(<figcaption>.*?</figcaption>)\s*</figure>\s*(</div>\s*)</figure>",
        re.S,
    ),
    # the caption leaves the static picture (the script hides that) for the explorer's figure
    r"\1\2\4\3</figure>",
    "sinfit",
)
_EXPLORER_INLINE_SVG = re.compile(r'<div class="sinfit-explorer-static"><svg\b')
_EXPLORER_UNCAPTIONED = re.compile(r'<div class="sinfit-explorer-static">\s*<img\b')
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_SVG_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
_TAG = re.compile(r"<[^>]+>")
_MD_CLASS = re.compile(r"md-[\w-]+")
_CSS_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_LITERAL = re.compile(r'"[^"\\\n]{1,300}"|`[^`\\]{1,300}`')
_HYPHENATED = re.compile(r"[A-Za-z_]\w*(?:-\w+)+")
_TAG_LITERAL = re.compile(r"[\"'`]([a-zA-Z][a-zA-Z0-9-]{0,20})[\"'`]")
_TAG_OPENED = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]{0,20})[\s>]")
_TEMPLATE_PREFIX = re.compile(r"([A-Za-z_][\w-]*-)\$\{")
_MAIN_CSS_FILE = re.compile(r"main\.[0-9a-f]+\.min\.css")
_BUNDLE_FILE = re.compile(r"bundle\.[0-9a-f]+\.min\.js")


def site_css(
    main_css: str,
    names: tuple[set[str], set[str]],
    tags: set[str],
    script: str,
    other_css: str,
) -> str:
    """The rules of Material's stylesheet that the site can need: those that can apply to the
    pages' classes and ids (``names``, as :func:`styles.used_names` gives them) or to a class
    Material's ``script`` can add (see :func:`script_classes`), whose element names are the
    pages' (``tags``) or ones the script can create, and the custom properties those rules or
    ``other_css`` (the palette, ours) read."""
    classes, ids = names
    classes = classes | script_classes(script, main_css)
    tags = tags | script_tags(script)
    return styles.subset(main_css, classes, ids, tags=tags, read_elsewhere=other_css)


def script_tags(script: str) -> set[str]:
    """Every element name ``script`` can create, on the safe side: each of its string
    literals that could be one (Material's minified helper is called as ``x("li", ...)``)
    and each tag its markup strings open (search's ``<mark data-md-highlight>``)."""
    names = _TAG_LITERAL.findall(script) + _TAG_OPENED.findall(script)
    return {name.lower() for name in names}


def script_classes(script: str, main_css: str) -> set[str]:
    """The classes of ``main_css`` that ``script`` can add to a page: every ``md-…`` name it
    spells out (search results, tooltips, active links...), the hyphenated class names in its
    string literals (``tabbed-control``, ``focus-visible``), and every class that starts
    with a prefix it completes at run time (``md-source__fact--${key}``)."""
    known = set(_CSS_CLASS.findall(main_css))
    found = set(_MD_CLASS.findall(script))
    for literal in _LITERAL.findall(script):
        found |= set(_HYPHENATED.findall(literal))
    prefixes = tuple(set(_TEMPLATE_PREFIX.findall(script)))
    return (found & known) | {name for name in known if name.startswith(prefixes)}


def math_text(pages: Iterable[str]) -> str:
    """Every character the formulas of ``pages`` draw (their TeX annotations aside), sorted."""
    chars: set[str] = set()
    for page in pages:
        for formula in _MATH.findall(page):
            chars |= set(html_lib.unescape(_TAG.sub("", _ANNOTATION.sub("", formula))))
            # drawn by the element, not written in it: a square root's radical sign
            if "<msqrt" in formula or "<mroot" in formula:
                chars.add("√")
    chars -= set(" \n\t")
    return "".join(sorted(chars))


def subset_font(font: bytes, text: str) -> bytes:
    """``font`` (woff2) cut to the glyphs ``text`` needs, with their MATH table variants and
    layout features, as woff2."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    cut = TTFont(io.BytesIO(font))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(cut)
    out = io.BytesIO()
    cut.flavor = "woff2"
    cut.save(out)
    return out.getvalue()


def rewrite_page(html: str, page: str, sheet: str) -> str:
    """One built page as a first visit should load it. ``sheet``: the path of the site's cut
    of Material's stylesheet below the site's root; ``page``: names the page in errors."""
    prefix = MAIN_CSS.pattern.search(html)
    prefix = prefix.group("prefix") if prefix else ""

    def stylesheets(m: re.Match[str]) -> str:
        extra = ""
        if "<math" in html:
            extra = (
                f'<link rel="preload" href="{prefix}{MATH_FONT}" as="font" type="font/woff2" '
                "crossorigin>"
            )
        return f'<link rel="stylesheet" href="{prefix}{sheet}">{extra}<script>{LOADER}</script>'

    html = MAIN_CSS.with_replacement(stylesheets).apply(html, page, count=1)
    html = BUNDLE.apply(html, page, count=1)
    if 'data-md-component="palette"' in html:  # a site with a palette toggle
        html = PALETTE.with_replacement(
            lambda m: f"{m.group(0)}<script>{FIRST_PALETTE}</script>"
        ).apply(html, page, count=1)
    # the scripts only some pages need, linked from those pages only
    for marker, src in (
        ("sinfit-explorer", EXPLORER_SCRIPT),
        ("data-sinfit-animation", ANIMATION_SCRIPT),
    ):
        if marker in html:
            script = f'<script data-sinfit-later="{prefix}{src}"></script>'
            html = html.replace("</body>", f"{script}\n</body>", 1)
    if 'class="sinfit-figure"' in html:
        html = FIGURES.apply(html, page)
    if "sinfit-explorer-data" in html:
        html = EXPLORER_DATA.with_replacement(
            lambda m: (
                '<script type="application/json" class="sinfit-explorer-data" '
                f'data-src="{prefix}{data_file(m.group(1))}"></script>'
            )
        ).apply(html, page)
    if _EXPLORER_UNCAPTIONED.search(html):
        raise UpstreamChanged(
            f"{page}: the learning-rate explorer has no caption; write <!--caption: ...--> "
            "(and <!--alt: ...-->) in the Markdown above its code cell, as for every figure"
        )
    if "sinfit-explorer-static" in html and not _EXPLORER_INLINE_SVG.search(html):
        html = EXPLORER_CAPTION.apply(html, page)
    elif "sinfit-explorer-static" in html:  # an explorer whose picture is inline SVG
        html = EXPLORER_PICTURE.with_replacement(
            lambda m: (
                '<div class="sinfit-explorer-static">'
                f"{picture_img(m.group(1), prefix + picture_file(m.group(1)))}</div>"
            )
        ).apply(html, page)
    return html


# The camel-case names of SVG, from the HTML standard's tables ("adjust SVG attributes" and
# the tag names of the tree builder's rules for foreign content): an HTML page's SVG may spell
# them in lower case (ours does: the notebook's HTML went through a parser that lowers them),
# and a browser's HTML parser restores them. A standalone SVG file is XML, where ``viewbox``
# or ``clippath`` mean nothing: they are restored here the same way.
_SVG_NAMES = """
    attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits
    diffuseConstant edgeMode filterUnits glyphRef gradientTransform gradientUnits
    kernelMatrix kernelUnitLength keyPoints keySplines keyTimes lengthAdjust
    limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits
    numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX
    pointsAtY pointsAtZ preserveAlpha preserveAspectRatio primitiveUnits refX refY
    repeatCount repeatDur requiredExtensions requiredFeatures specularConstant
    specularExponent spreadMethod startOffset stdDeviation stitchTiles surfaceScale
    systemLanguage tableValues targetX targetY textLength viewBox viewTarget
    xChannelSelector yChannelSelector zoomAndPan
    altGlyph altGlyphDef altGlyphItem animateColor animateMotion animateTransform clipPath
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence foreignObject
    linearGradient radialGradient textPath
"""
_SVG_CAMEL_CASE = {name.lower(): name for name in _SVG_NAMES.split()}
_SVG_TAG = re.compile(r"<[^>]+>")
_SVG_NAME = re.compile(r"(?<=^<)/?[a-zA-Z]+|(?<=\s)[a-zA-Z]+(?==)")


def svg_document(svg: str) -> str:
    """The inline ``svg`` of an HTML page as a file of its own: an XML declaration, and the
    camel-case names of its tags and attributes that an HTML parser would have restored."""

    def name(m: re.Match[str]) -> str:
        slash, bare = ("/", m.group(0)[1:]) if m.group(0).startswith("/") else ("", m.group(0))
        return slash + _SVG_CAMEL_CASE.get(bare.lower(), bare)

    def tag(m: re.Match[str]) -> str:
        return _SVG_NAME.sub(name, m.group(0))

    document = '<?xml version="1.0" encoding="utf-8"?>\n' + _SVG_TAG.sub(tag, svg)
    try:
        ElementTree.fromstring(document.encode())
    except ElementTree.ParseError as err:
        # HTML allows what XML does not (named entities such as &nbsp;, unquoted values...)
        raise UpstreamChanged(
            f"the explorer's static picture is not well-formed XML once on its own ({err}): "
            "sinfit/explorer.py changed what static_svg() writes"
        ) from None
    return document


def picture_file(svg: str) -> str:
    """Where the site keeps an explorer's static picture, below its root: named by its content."""
    return f"assets/images/explorer-{_digest(svg.encode())}.svg"


def picture_img(svg: str, src: str) -> str:
    """The ``<img>`` that shows the inline ``svg`` from ``src``: the same size (matplotlib
    sizes it in points) and its accessible name as the text alternative. It loads lazily: the
    explorer sits far below the first screen, and its script replaces it anyway."""
    attributes = dict(_SVG_ATTRIBUTE.findall(_SVG_ROOT.match(svg).group(0)))
    try:
        label = attributes["aria-label"]
        width, height = (
            round(float(attributes[a].removesuffix("pt")) * 4 / 3) for a in ("width", "height")
        )
    except (KeyError, ValueError) as err:
        raise UpstreamChanged(
            f"the explorer's static picture has no aria-label or width and height in points "
            f"({err!r}): sinfit/explorer.py changed what static_svg() writes"
        ) from None
    return (
        f'<img src="{src}" alt="{label}" width="{width}" height="{height}" loading="lazy" '
        'decoding="async">'
    )


def data_file(payload: str) -> str:
    """Where the site keeps an explorer's data, below its root: named by its content."""
    return f"assets/data/explorer-{_digest(payload.encode())}.json"


def finish_site(site: Path, math_font: Path, cache: Path, *, slim_html: bool = True) -> None:
    """Rewrite every page of the built ``site`` (see the module's docstring): write the cut
    of Material's stylesheet and of the math font, then each page, each file atomically.
    ``slim_html=False`` leaves out :func:`slim`, which changes bytes, not looks: an author's
    local preview (``mkdocs serve``) has no slow line to spare them on, and it rebuilds on
    every save."""
    pages = {path: path.read_text(encoding="utf-8") for path in sorted(site.rglob("*.html"))}
    assets = site / "assets"
    main = _one(assets / "stylesheets", _MAIN_CSS_FILE)
    _one(assets / "javascripts", _BUNDLE_FILE)  # Material's script, or a loud error
    # What the site's scripts can add to a page: Material's bundle, its search worker (the
    # result highlights), ours. Not lunr's language packs: their literals are stop words.
    scripts = "".join(
        p.read_text(encoding="utf-8")
        for p in sorted((assets / "javascripts").rglob("*.js"))
        if "lunr" not in p.relative_to(assets).parts
    )
    others = "".join(
        p.read_text(encoding="utf-8")
        for p in sorted((assets / "stylesheets").glob("*.css"))
        if p != main
    )
    names = styles.used_names(pages.values())
    tags = styles.used_tags(pages.values())
    css = _cached(
        cache,
        "main-cut",
        ".css",
        lambda: site_css(
            main.read_text(encoding="utf-8"),
            names,
            tags,
            scripts,
            others,
        ).encode(),
        main.name.encode(),  # Material's file names carry their content's hash
        scripts.encode(),
        others.encode(),
        repr(sorted(map(sorted, names))).encode(),
        repr(sorted(tags)).encode(),
        Path(styles.__file__).read_bytes(),
        Path(__file__).read_bytes(),
    )
    name = f"assets/stylesheets/main-cut-{_digest(css)}.css"
    _write(site / name, css)
    font, text = math_font.read_bytes(), math_text(pages.values())
    _write(
        site / MATH_FONT,
        _cached(cache, "math-font", ".woff2", lambda: subset_font(font, text), font, text.encode()),
    )
    for html in pages.values():
        for found in EXPLORER_DATA.pattern.finditer(html):
            _write(site / data_file(found.group(1)), found.group(1).encode())
        for found in EXPLORER_PICTURE.pattern.finditer(html):
            svg = found.group(1)
            _write(site / picture_file(svg), svg_document(svg).encode())
    every_css = css.decode() + others
    read_by = scripts + LOADER + FIRST_PALETTE
    # A page's slimmed HTML depends on the page, the site's sheets and scripts and the code
    # that slims: kept on disk under all of them, so a rebuild slims only the pages that
    # changed; the pages of earlier versions are dropped at the end.
    code = (
        b"".join(Path(m.__file__).read_bytes() for m in (styles, markup))
        + Path(__file__).read_bytes()
    )
    used = set()
    for path, html in pages.items():
        html = rewrite_page(html, path.relative_to(site).as_posix(), name)
        out = html.encode()
        if slim_html:
            key = (out, every_css.encode(), read_by.encode(), code)
            used.add(f"page-{_digest(_key(*key))}.html")
            out = _cached(
                cache, "page", ".html", lambda h=html: slim(h, every_css, read_by).encode(), *key
            )
        _write(path, out)
    if slim_html and cache.is_dir():
        for old in cache.glob("page-*.html"):
            if old.name not in used:
                old.unlink(missing_ok=True)


def slim(html: str, css: str, scripts: str = "") -> str:
    """``html`` without the spans no rule of ``css`` (the site's stylesheets) or of its own
    ``<style>`` elements styles on it, the collapse controls they hide, the JupyterLab names
    no rule and none of ``scripts`` (the site's) reads, and the indentation (see
    :mod:`markup`)."""
    classes, ids = styles.used_names([html])
    tags = styles.used_tags([html])
    tokens = markup.token_classes(html)
    sheets = [css, *_STYLE.findall(html)]
    styled: set[str] = set()
    # Each sheet on its own: styles caches a parsed sheet by its text, and pages share them.
    for sheet in sheets:
        styled |= styles.styled_classes(sheet, classes, ids, tags, among=tokens)
    html = markup.without_hidden_collapsers(html, "".join(sheets))
    html = markup.without_unstyled_spans(html, styled)
    html = markup.with_copy_from_code(markup.without_math_spelling(html))
    html = markup.without_unread_names(html, "".join(sheets), scripts)
    html = markup.without_blank_tokens(html, "".join(sheets))
    # last: the steps above (and the classes' search at the start) read quoted classes
    return markup.with_bare_token_classes(markup.without_indentation(html))


def _key(*parts: bytes) -> bytes:
    return b"\0".join(parts)


def _cached(cache: Path, kind: str, suffix: str, make, *key: bytes) -> bytes:
    """``make()``, kept on disk under what it was made from: a rebuild of the same site, as
    ``mkdocs serve`` makes on every save and the tests make of their copies, reuses it."""
    digest = _digest(_key(*key))
    cached = cache / f"{kind}-{digest}{suffix}"
    if cached.is_file():
        return cached.read_bytes()
    out = make()
    _write(cached, out)
    return out


def _one(folder: Path, pattern: re.Pattern[str]) -> Path:
    found = [p for p in folder.iterdir() if pattern.fullmatch(p.name)] if folder.is_dir() else []
    if len(found) != 1:
        raise FileNotFoundError(
            f"expected one {pattern.pattern} in {folder}, found {[p.name for p in found]}: "
            "mkdocs-material may have renamed its assets"
        )
    return found[0]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    write_atomically(path, data)
