"""The command line: its log, its figure, and one-line errors with nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sinfit import fit_manual, random_cubic, sine_data
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
    losses = fit_manual(x, y, random_cubic(0)).losses
    log = [line for line in proc.stdout.splitlines() if line.startswith("epoch")]
    assert log == [f"epoch {e:4d}  loss {losses[e - 1]:.2f}" for e in range(100, 1001, 100)]
    assert "fitted: y = " in proc.stdout
    data = (tmp_path / "fig.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]  # no temp file left


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
    losses = fit_manual(x, y, random_cubic(5), lr=2e-6, epochs=50).losses
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("epoch")]
    assert lines == [f"epoch   25  loss {losses[24]:.2f}", f"epoch   50  loss {losses[49]:.2f}"]
    assert out.read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--points", "1"], "points must be >= 2, got 1"),
        (["--epochs", "-5"], "epochs must be >= 0, got -5"),
        (["--lr", "0"], "learning rate must be finite and > 0"),
        (["--lr", "nan"], "learning rate must be finite and > 0, got nan"),
        (["--lr", "1e-3"], "training diverged at epoch"),
        (["--out", "fig.jpg"], "--out must end in .png or .svg"),
        (["--out", "missing/fig.png"], "folder 'missing' does not exist"),
    ],
)
def test_bad_input_is_one_line_nonzero_and_leaves_no_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    out_args = [] if "--out" in args else ["--out", "fig.png"]
    assert main([*args, *out_args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith("sinfit: error: ")
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_errors_reach_the_terminal_without_a_traceback(tmp_path: Path) -> None:
    """The same, through a real process: what a learner's shell shows."""
    proc = run_cli("--lr", "inf", "--out", "fig.png", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "sinfit: error: learning rate must be finite and > 0, got inf\n"
    assert list(tmp_path.iterdir()) == []


def test_existing_figure_survives_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "fig.png").write_bytes(b"old")
    proc = run_cli("--lr", "1e-3", "--out", "fig.png", cwd=tmp_path)
    assert proc.returncode == 2
    assert (tmp_path / "fig.png").read_bytes() == b"old"


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (ep,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "sinfit"]
    assert ep.value == "sinfit.cli:main"
    assert torch.__version__.startswith("2.")
