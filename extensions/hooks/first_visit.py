"""After the build: what a first visit waits for (extensions/sitebuild/first_visit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extensions.sitebuild import first_visit  # noqa: E402
from extensions.sitebuild.nesting import NestedBuilds  # noqa: E402
from extensions.sitebuild.upstream import UpstreamChanged  # noqa: E402

MATH_FONT = ROOT / "extensions" / "overrides" / first_visit.MATH_FONT
CACHE = ROOT / ".cache" / "first-visit"  # the cut stylesheet and font, by source

# mkdocs-static-i18n builds the other languages from inside the default language's
# on_post_build: builds nest. The pages are rewritten once, when the outermost build ends, with
# every page of every language on disk (a site test checks that every page was).
_builds = NestedBuilds()
_serving = False


def on_startup(command, dirty) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(config) -> None:
    _builds.start()


def on_build_error(error) -> None:
    _builds.abandon()


@event_priority(-200)  # after mkdocs-static-i18n's (-100), which runs the nested builds
def on_post_build(config) -> None:
    if not _builds.ended():
        return
    try:
        first_visit.finish_site(Path(config["site_dir"]), MATH_FONT, CACHE, slim_html=not _serving)
    except (UpstreamChanged, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
