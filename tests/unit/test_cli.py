"""The command line: its log, its figure, and one-line errors with nothing half-written."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sinfit import DivergenceError, cli, fit_manual, random_cubic, sine_data
from sinfit.basis import design_matrix, stability_bound
from sinfit.cli import main


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sinfit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_sinfit_prints_the_log_and_writes_a_png(tmp_path: Path) -> None:
    proc = run_cli("--seed", "0", "--out", "fig.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    x, y = sine_data()
    result = fit_manual(x, y, random_cubic(0))
    log = [line for line in proc.stdout.splitlines() if line.startswith("t = ")]
    # the lessons' log: t = 0 (the start) to 900 measured in the loop, t = 1000 after it
    expected = [f"t = {t:4d}  loss {result.losses[t]:10.2f}" for t in range(0, 1000, 100)]
    assert log == [*expected, f"t = 1000  loss {result.cubic.loss(x, y):10.2f}"]
    assert "fitted: y = " in proc.stdout
    data = (tmp_path / "fig.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    # Permissions of any new file (not mkstemp's owner-only 0o600).
    assert stat.S_IMODE((tmp_path / "fig.png").stat().st_mode) == 0o666 & ~umask


def test_svg_output_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fig.svg"
    assert (
        main(
            [
                "--epochs",
                "50",
                "--lr",
                "2e-6",
                "--points",
                "200",
                "--seed",
                "5",
                "--log-every",
                "25",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    x, y = sine_data(points=200)
    result = fit_manual(x, y, random_cubic(5), lr=2e-6, epochs=50)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("t = ")]
    assert lines == [
        f"t =    0  loss {result.losses[0]:10.2f}",
        f"t =   25  loss {result.losses[25]:10.2f}",
        f"t =   50  loss {result.cubic.loss(x, y):10.2f}",
    ]
    assert out.read_text().lstrip().startswith("<?xml")


def lesson_bound(points: int = 1000) -> float:
    """The stability bound 2 / lambda_max for the lesson's sample, as the library computes it."""
    return stability_bound(design_matrix(sine_data(points=points).x))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--points", "2"], "--points must be >= 4 (a cubic has 4 coefficients), got 2"),
        (["--points", "-3"], "--points must be >= 4 (a cubic has 4 coefficients), got -3"),
        (["--epochs", "-5"], "--epochs must be >= 0, got -5"),
        (["--log-every", "0"], "--log-every must be >= 1, got 0"),
        (["--seed", "-1"], "--seed must be >= 0, got -1"),
        (["--lr", "0"], "--lr must be finite and > 0, got 0"),
        (["--lr", "-0.5"], "--lr must be finite and > 0, got -0.5"),
        (["--lr", "nan"], "--lr must be finite and > 0, got nan"),
        (["--lr", "1e-3"], "--lr 0.001 would make gradient descent diverge: for 1000 points"),
        (["--epochs", "abc"], "argument --epochs: invalid int value: 'abc' (see sinfit --help)"),
        (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--out", "fig.jpg"], "--out must end in .png or .svg, got 'fig.jpg'"),
        (["--out", "fig"], "--out must end in .png or .svg, got 'fig'"),
        (["--out", "missing/fig.png"], "--out: folder 'missing' does not exist"),
        (["--out", "taken.png"], "--out: 'taken.png' is a folder"),
    ],
)
def test_bad_input_fails_before_any_work(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    """Exit status 2, one line naming the problem, and nothing done: no training (the fit is
    never called, nothing is printed) and no file written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.png").mkdir()
    trained: list[object] = []
    monkeypatch.setattr(cli, "fit_manual", lambda *a, **k: trained.append(a))
    out_args = [] if "--out" in args else ["--out", "fig.png"]
    assert main([*args, *out_args]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err  # one line, no traceback, no usage block
    assert err.startswith("sinfit: error: ")
    assert message in err
    assert out == ""
    assert trained == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.png"]


def test_an_unwritable_folder_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tests run as root in CI, where every folder is writable: stand in for the check.
    real_access = os.access
    monkeypatch.setattr(
        cli.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    assert main(["--out", str(tmp_path / "fig.png")]) == 2
    out, err = capsys.readouterr()
    assert err == f"sinfit: error: --out: folder {str(tmp_path)!r} is not writable\n"
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_the_learning_rate_limit_is_where_gradient_descent_starts_to_diverge() -> None:
    """The CLI refuses --lr at or above 2 / lambda_max: just below it the lesson's fit still
    lowers the loss, just above it the loss blows up. The check refuses only runs that fail."""
    bound = lesson_bound()
    x, y = sine_data()
    below = fit_manual(x, y, random_cubic(0), lr=0.95 * bound, epochs=1000)
    assert below.losses[-1] < below.losses[0]
    with pytest.raises(DivergenceError):
        fit_manual(x, y, random_cubic(0), lr=1.05 * bound, epochs=1000)


def test_the_learning_rate_limit_follows_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    bound = lesson_bound(points=200)
    assert main(["--points", "200", "--lr", f"{1.01 * bound:g}"]) == 2
    err = capsys.readouterr().err
    assert f"for 200 points it must be below {bound:.3g} " in err
    assert main(["--points", "200", "--lr", f"{0.99 * bound:g}", "--epochs", "5"]) == 0
    assert "fitted: y = " in capsys.readouterr().out


def test_errors_reach_the_terminal_without_a_traceback(tmp_path: Path) -> None:
    """The same, through a real process: what a learner's shell shows for the case that used to
    train and plot before failing (the closed form needs 4 points)."""
    proc = run_cli("--points", "2", "--out", "fig.png", cwd=tmp_path)
    assert proc.returncode == 2
    assert (
        proc.stderr == "sinfit: error: --points must be >= 4 (a cubic has 4 coefficients), got 2\n"
    )
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_existing_figure_survives_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "fig.png").write_bytes(b"old")
    proc = run_cli("--lr", "1e-3", "--out", "fig.png", cwd=tmp_path)
    assert proc.returncode == 2
    assert (tmp_path / "fig.png").read_bytes() == b"old"


def test_a_failed_write_is_one_line_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk, not the input: exit status 1, the reason in one line, nothing half-written."""

    class FullDisk:
        def savefig(self, fh, **kwargs) -> None:
            fh.write(b"partial")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "fig.png"))

    monkeypatch.setattr(cli, "plot_comparison", lambda *a, **k: FullDisk())
    assert main(["--epochs", "1", "--out", str(tmp_path / "fig.png")]) == 1
    err = capsys.readouterr().err
    assert err == f"sinfit: error: cannot write {tmp_path / 'fig.png'}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (ep,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "sinfit"]
    assert ep.value == "sinfit.cli:main"
    assert torch.__version__.startswith("2.")
