"""How heavy is each way of showing the fit learning? Prints bytes and the ratio.

Compares, for the same snapshots as the "Watch it learn" page:
* the animated SVG of ``sinfit.animate_fit`` (what the site uses), and
* matplotlib's JavaScript player (``FuncAnimation(...).to_jshtml()``), which embeds one PNG per
  frame and its player script.

Run: ``.venv/bin/python benchmarks/animation_size.py``
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation

from sinfit import animate_fit, fit_snapshots, random_cubic, sine_data


def main() -> None:
    x, y = sine_data()
    snapshots = fit_snapshots(x, y, random_cubic(0), epochs=1000, frames=30)

    start = time.perf_counter()
    svg = animate_fit(x, y, snapshots).svg.encode()
    svg_s = time.perf_counter() - start

    start = time.perf_counter()
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(x, y, color="tab:green")
    (line,) = ax.plot(x, snapshots[0][1](x), color="tab:orange")
    ax.set_ylim(-1.8, 1.8)
    anim = FuncAnimation(
        fig, lambda k: line.set_ydata(snapshots[k][1](x)), frames=len(snapshots), interval=300
    )
    jshtml = anim.to_jshtml().encode()
    js_s = time.perf_counter() - start
    plt.close(fig)

    print(f"frames: {len(snapshots)}")
    print(f"animated SVG (sinfit.animate_fit): {len(svg) / 1024:8.1f} KB  built in {svg_s:.2f} s")
    print(f"matplotlib to_jshtml (PNG frames): {len(jshtml) / 1024:8.1f} KB  built in {js_s:.2f} s")
    print(f"ratio: the JavaScript player is {len(jshtml) / len(svg):.1f} x the animated SVG")


if __name__ == "__main__":
    main()
