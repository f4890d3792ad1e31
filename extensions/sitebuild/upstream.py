"""Every place the build leans on another package's internals, made loud.

The site fills gaps in mkdocs-jupyter, nbconvert, Material and mkdocs-static-i18n by replacing
a few of their private attributes and rewriting a few pieces of their markup. After an upstream
release those targets can vanish, and a silent patch then does nothing. So:

* :func:`replace` swaps a module attribute only if it is still there with the parameters we
  know, else raises :class:`UpstreamChanged` naming the module, the attribute and the installed
  version of its distribution;
* :class:`Rewrite` is one markup rewrite; applying it where it matches nothing it must match
  raises (or, for a rewrite whose loss is harmless, warns once per process) naming the markup
  and the version that produced it.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from types import ModuleType
from typing import Any

log = logging.getLogger("mkdocs.sitebuild.upstream")


class UpstreamChanged(RuntimeError):
    """An upstream internal the build patches is not what it was when the patch was written."""


def installed(module_name: str) -> str:
    """'<distribution> <version>' of the package a module belongs to."""
    top = module_name.split(".")[0]
    for dist in packages_distributions().get(top, [top]):
        try:
            return f"{dist} {version(dist)}"
        except PackageNotFoundError:
            continue
    return f"{top} (version unknown)"


def replace(
    module: ModuleType | type,
    name: str,
    replacement: Any,
    *,
    parameters: Sequence[str] | None = None,
    kind: type | None = None,
) -> Any:
    """Set ``module.name`` (a module's or a class's attribute) to ``replacement`` and return
    what was there.

    ``parameters``: the original's parameter names as the patch expects them (a function);
    ``kind``: the type the original must have (e.g. a module).
    """
    if isinstance(module, type):  # a class: name it by its module
        owner = module.__module__
        where = f"{owner}.{module.__qualname__}.{name}"
    else:
        owner = module.__name__
        where = f"{owner}.{name}"
    if not hasattr(module, name):
        raise UpstreamChanged(
            f"{where} no longer exists in {installed(owner)}: the build's patch of it "
            "needs updating (see extensions/sitebuild/upstream.py)"
        )
    original = getattr(module, name)
    if kind is not None and not isinstance(original, kind):
        raise UpstreamChanged(
            f"{where} is a {type(original).__name__}, not a {kind.__name__}, in "
            f"{installed(owner)}: the build's patch of it needs updating"
        )
    if parameters is not None:
        try:
            found = list(inspect.signature(original).parameters)
        except (TypeError, ValueError):
            found = None
        if found != list(parameters):
            raise UpstreamChanged(
                f"{where} takes ({', '.join(found or ['?'])}) in {installed(owner)}, "
                f"not ({', '.join(parameters)}): the build's replacement no longer fits"
            )
    setattr(module, name, replacement)
    return original


@dataclass
class Rewrite:
    """One rewrite of upstream markup: a pattern, what replaces it, and who wrote the markup.

    ``required``: no match on a page where it applies fails the build; otherwise it warns
    once per process (for rewrites whose loss is harmless).
    """

    what: str  # e.g. "nbconvert's MathJax <script> block"
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    module: str  # the package that writes the markup, for the message
    required: bool = True
    _warned: bool = field(default=False, repr=False)

    def with_replacement(self, replacement: str | Callable[[re.Match[str]], str]) -> Rewrite:
        """The same rewrite with another replacement (e.g. one in the page's language)."""
        return Rewrite(self.what, self.pattern, replacement, self.module, self.required)

    def apply(self, text: str, page: str, *, count: int = 0) -> str:
        new, n = self.pattern.subn(self.replacement, text, count=count)
        if n == 0:
            message = (
                f"{page}: {self.what} not found; {installed(self.module)} may have changed its "
                "markup, and the build's rewrite of it needs updating"
            )
            if self.required:
                raise UpstreamChanged(message)
            if not self._warned:
                self._warned = True
                log.warning(message)
        return new
