"""Watch the fit learn: a self-contained animated SVG, no JavaScript, no external file.

Why an animated SVG (SMIL ``<animate>`` on the curve's path): the curve is one ``<path>``
whose ``d`` attribute changes between frames, so each frame costs only its coordinates (about
1.5 KB), the browser interpolates smoothly between frames, and it plays inside a plain
``<img>`` with nothing to load. matplotlib's JavaScript player (``to_jshtml``) instead embeds
one PNG per frame plus its player script: ``benchmarks/animation_size.py`` measures both.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import matplotlib
import numpy as np
import torch

from sinfit._checks import check_count, check_xy
from sinfit.errors import SinfitError
from sinfit.model import Cubic
from sinfit.plotting import FIT_COLOR, PHONE_WIDTH, SINE_COLOR, DisplayFigure
from sinfit.train import DEFAULT_LR, fit_manual


def frame_epochs(epochs: int, frames: int) -> list[int]:
    """About ``frames`` epochs from 0 to ``epochs``, closer together early, where change is fast."""
    check_count("epochs", epochs, 1)
    check_count("frames", frames, 2)
    marks = np.geomspace(1, epochs + 1, frames) - 1
    return sorted({0, epochs, *(round(float(m)) for m in marks)})


def fit_snapshots(
    x: torch.Tensor,
    y: torch.Tensor,
    start: Cubic,
    *,
    lr: float = DEFAULT_LR,
    epochs: int = 1000,
    frames: int = 30,
) -> list[tuple[int, Cubic]]:
    """(epoch, coefficients) at the epochs of :func:`frame_epochs`, by the lesson's training.

    Training in pieces is the same computation as one run: the state is just the coefficients,
    and their round trip through a Cubic is exact.
    """
    snapshots = [(0, start)]
    current, done = start, 0
    for mark in frame_epochs(epochs, frames)[1:]:
        current = fit_manual(x, y, current, lr=lr, epochs=mark - done).cubic
        done = mark
        snapshots.append((mark, current))
    return snapshots


@dataclass(frozen=True)
class AnimatedSVG:
    """An SVG document; Jupyter displays it, :meth:`save` writes it."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str) -> None:
        """Write the SVG to the file ``path`` (UTF-8), replacing it if it exists."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.svg)


def _path_d(points: np.ndarray) -> str:
    return "M " + " L ".join(f"{px:.1f} {py:.1f}" for px, py in points)


#: Narrow in inches, like the phone-ready still figures, so that its text stays readable when
#: the picture shrinks to a phone's width.
ANIMATION_SIZE = (PHONE_WIDTH, 4.4)
#: The color of the numbers that report the curve's ends (a darker orange than the curve's
#: own, for contrast with the white background).
FIT_TEXT = "#b35900"
#: The y range the animation shows: sin(x) and the late fit fill it; what lies outside is
#: reported by the numbers at the frame's bottom (or top) corners (:func:`_end_labels`).
YLIM = (-1.8, 1.8)
#: Text as large as the phone-ready still figures: the animation also shrinks to about 318 px.
_TEXT = {"font.size": 14, "axes.labelsize": 15, "xtick.labelsize": 13, "ytick.labelsize": 13}
_FONT_SIZE = 15  # of the labels the animation adds itself (t and the ends), in SVG points


def _still(x: torch.Tensor, y: torch.Tensor, xs: np.ndarray, first: np.ndarray):
    """The first frame drawn by matplotlib: sin(x) dashed and the curve, in the site's colors."""
    with matplotlib.rc_context(_TEXT):
        fig = DisplayFigure(figsize=ANIMATION_SIZE, dpi=72, layout="constrained")
        ax = fig.add_subplot()
        ax.plot(
            x.detach().cpu().numpy(),
            y.detach().cpu().numpy(),
            color=SINE_COLOR,
            linestyle="--",
            linewidth=2,
            label="sin(x)",
        )
        ax.plot(xs, first, color=FIT_COLOR, linewidth=2.5, label="ŷ", gid="sinfit-fit")
        ax.set_ylim(*YLIM)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.grid(True, alpha=0.3)
        # below the plot, where no frame of the curve or the sine can run under it
        fig.legend(loc="outside lower center", ncol=2)
    return fig, ax


def _moving_curve(svg: str, frames: list[str], seconds: float, plays: int) -> str:
    """The curve's path in matplotlib's SVG, animated through ``frames`` (path data)."""
    path = re.compile(r'(<g id="sinfit-fit">\s*<path d=")[^"]*("[^>]*?)\s*/>', re.DOTALL)
    animate = (
        f'<animate attributeName="d" dur="{seconds}s" repeatCount="{plays}" fill="freeze" '
        f'values="{";".join(frames)}"/>'
    )
    svg, found = path.subn(lambda m: f"{m.group(1)}{frames[0]}{m.group(2)}>{animate}</path>", svg)
    if found != 1:
        raise SinfitError("could not find the curve in matplotlib's SVG output")
    return svg


def _frame_labels(
    texts: list[str],
    at: tuple[float, float],
    frames: int,
    seconds: float,
    plays: int,
    *,
    anchor: str = "start",
    fill: str = "black",
) -> str:
    """One label per frame (``texts[k]`` during frame k; an empty text shows nothing), each
    visible during its own slice of the loop (the last label also during the held last frame)."""
    x, y = at
    labels = []
    for k, words in enumerate(texts):
        if not words:
            continue
        values = ";".join(
            "1" if i == k or (k == frames - 2 and i == frames - 1) else "0" for i in range(frames)
        )
        labels.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" text-anchor="{anchor}" '
            f'font-size="{_FONT_SIZE}" fill="{fill}" '
            # a white halo: a label in a corner stays readable where the curve runs under it
            'stroke="white" stroke-width="4" stroke-linejoin="round" paint-order="stroke" '
            f'opacity="0">{html.escape(words)}<animate attributeName="opacity" '
            f'calcMode="discrete" dur="{seconds}s" repeatCount="{plays}" fill="freeze" '
            f'values="{values}"/>'
            "</text>"
        )
    return "\n".join(labels)


def _end_label(value: float) -> str:
    """What the corner says about an end of the curve: its value while it is out of view."""
    low, high = YLIM
    if low <= value <= high:
        return ""
    arrow = "▼" if value < low else "▲"
    return f"{arrow} {value:.1f}".replace("-", "\u2212")


def animate_fit(
    x: torch.Tensor,
    y: torch.Tensor,
    snapshots: list[tuple[int, Cubic]],
    *,
    seconds: float = 8.0,
    plays: int = 2,
    points: int = 90,
) -> AnimatedSVG:
    """The fitted curve moving through ``snapshots`` over sin(x): ``plays`` times, ``seconds``
    each, then still on the last frame. It stops by itself because a picture in an ``<img>``
    offers no pause button, and a reader who wants to read a value takes it from a still
    figure or the printed numbers, not from a moving curve."""
    check_xy(x, y)
    check_count("plays", plays, 1)
    if len(snapshots) < 2:
        raise SinfitError(f"an animation needs at least 2 snapshots, got {len(snapshots)}")
    xs = np.linspace(float(x.min()), float(x.max()), points)
    xt = torch.from_numpy(xs)
    fig, ax = _still(x, y, xs, snapshots[0][1](xt).numpy())
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "sinfit"}):
        fig.savefig(buf, format="svg", dpi=72, metadata={"Date": None})

    height = fig.get_size_inches()[1] * 72  # SVG units are points; y grows downwards
    frames = []
    for _, cubic in snapshots:
        display = ax.transData.transform(np.column_stack([xs, cubic(xt).numpy()]))
        display[:, 1] = height - display[:, 1]
        frames.append(_path_d(display))
    frames.append(frames[-1])  # hold the last frame before the next play, and at the end

    svg = _moving_curve(buf.getvalue(), frames, seconds, plays)
    count = len(frames)
    epochs = [f"t = {e}" for e, _ in snapshots]
    left, top = ax.transAxes.transform((0.03, 0.93))
    labels = [_frame_labels(epochs, (left, height - top), count, seconds, plays)]
    # Each end of the curve, while it lies outside the range shown: its value, in the corner
    # on its side, at the frame it left by (an end below the range at the bottom).
    ends = torch.tensor([xs[0], xs[-1]])
    values = [cubic(ends).tolist() for _, cubic in snapshots]
    for side, (ax_x, anchor) in enumerate(((0.02, "start"), (0.98, "end"))):
        texts = [_end_label(v[side]) for v in values]
        for edge, ax_y in (("▼", 0.04), ("▲", 0.90)):
            shown = [t if t.startswith(edge) else "" for t in texts]
            at_x, at_y = ax.transAxes.transform((ax_x, ax_y))
            labels.append(
                _frame_labels(
                    shown,
                    (at_x, height - at_y),
                    count,
                    seconds,
                    plays,
                    anchor=anchor,
                    fill=FIT_TEXT,
                )
            )
    return AnimatedSVG(svg.replace("</svg>", "\n".join(filter(None, labels)) + "\n</svg>"))
