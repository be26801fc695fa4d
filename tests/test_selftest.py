"""`kcdesk self-test` passes from the source tree and names a failing step."""

from __future__ import annotations

import pytest

from kcdesk import selftest
from kcdesk.cli.main import main


def test_self_test_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["self-test"]) == 0
    err = capsys.readouterr().err
    assert "ok   database" in err and "ok   main window" in err
    assert "self-test passed" in err


def test_self_test_names_the_failing_step(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_t: selftest.SelfTest) -> str:
        raise AssertionError("no presets")

    steps = [(n, broken if n == "demo data" else f) for n, f in selftest.STEPS]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert selftest.run() == 1
    err = capsys.readouterr().err
    assert "FAIL demo data: AssertionError: no presets" in err
    assert "main window" not in err


def test_version_resource_follows_the_package_version(tmp_path) -> None:
    import importlib.util
    from pathlib import Path

    from kcdesk import __version__, paths

    spec = importlib.util.spec_from_file_location(
        "version_info", paths.install_root() / "installer" / "version_info.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.write_version_file(paths.install_root(), tmp_path / "v.txt")
    text = Path(out).read_text(encoding="utf-8")
    assert f"StringStruct('FileVersion', '{__version__}')" in text
    assert str(module.version_tuple(__version__)) in text
