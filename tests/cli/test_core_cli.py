"""The core CLI: version, help, users, database, serve's refusals, and one-line errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hostcity import __version__
from hostcity.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("HOSTCITY_") and not key.startswith("HOSTCITY_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOSTCITY_DATA_DIR", str(tmp_path / "data"))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"hostcity {__version__}"


def test_help_lists_every_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for group in ("demo", "serve", "db", "users", "brain", "pass", "replay"):
        assert group in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(("frobnicate",), "No such command", id="unknown-command"),
        pytest.param(("users", "create", "--bogus"), "No such option", id="unknown-option"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fragment: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert fragment in err


def test_users_create_prints_token_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "users", "create", "--role", "operator", "--name", "ops")
    assert code == 0
    assert "token (shown once" in out
    token = out.strip().split()[-1]
    assert token.startswith("hc_")


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        pytest.param(("users", "create", "--role", "king"), {}, "unknown role", id="bad-role"),
        pytest.param(("jobs", "show", "nope"), {}, "no job with id 'nope'", id="unknown-job"),
        pytest.param(
            ("db", "upgrade"),
            {"HOSTCITY_DATABASE_URL": "oracle://x"},
            "unsupported database",
            id="bad-url",
        ),
        pytest.param(("db", "upgrade"), {"HOSTCITY_PORT": "http"}, "HOSTCITY_PORT", id="bad-port"),
        pytest.param(("serve",), {}, "placeholder secret", id="serve-placeholder-secret"),
    ],
)
def test_errors_are_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    fragment: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, _, err = run(capsys, *args)
    assert code == 1
    assert fragment in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--debug", "jobs", "show", "nope")
    assert code == 1
    assert "Traceback" in err


def test_unwritable_data_dir_is_explained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    code, _, err = run(capsys, "--data-dir", str(blocker / "data"), "db", "upgrade")
    assert code == 1
    assert "not writable" in err


def test_serve_refuses_a_port_in_use(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSTCITY_SECRET_KEY", "a-real-secret-value-0123456789")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "serve", "--port", str(port))
    assert code == 1
    assert f"port {port}" in err
    assert "--port" in err


def test_db_upgrade_reports_the_revision(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert "(sqlite) is up to date" in out
    assert "heads:" in out


def test_an_unexpected_error_is_one_line_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostcity.cli import core

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(core, "parse_role", broken)  # a bug inside 'users create'
    code, _, err = run(capsys, "users", "create", "--role", "fan")
    assert code == 2
    assert "unexpected error (ZeroDivisionError: a bug)" in err
    assert "--debug" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "--debug", "users", "create", "--role", "fan")
    assert code == 2 and "Traceback" in err
