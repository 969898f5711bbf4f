"""Where the board may listen, and its settings."""

from __future__ import annotations

import pytest

from agents.board.serve import BoardRefused, board_token, board_url, is_loopback
from streams.settings import Settings


@pytest.mark.parametrize("bind", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses(bind):
    assert is_loopback(bind)


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "192.168.1.20", "board.example", ""])
def test_other_addresses(bind):
    assert not is_loopback(bind)


def test_the_board_refuses_to_listen_beyond_loopback_without_a_token():
    with pytest.raises(BoardRefused, match="WIREWATCH_BOARD_TOKEN"):
        board_token(Settings(board_bind="0.0.0.0"))
    assert board_token(Settings(board_bind="0.0.0.0", board_token="s3cret")) == "s3cret"
    assert board_token(Settings()) is None


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WIREWATCH_BOARD_PORT", "9001")
    monkeypatch.setenv("WIREWATCH_BOARD_BIND", "::1")
    monkeypatch.setenv("WIREWATCH_BOARD_TOKEN", "s3cret")
    settings = Settings()
    assert (settings.board_port, settings.board_bind) == (9001, "::1")
    assert "s3cret" not in repr(settings)
    assert board_url(settings, 9001) == "http://[::1]:9001/"
    assert Settings.model_fields["board_port"].default == 8080


def test_the_board_command_refuses_an_open_bind_without_a_token():
    from click.testing import CliRunner

    from agents.cli import main

    settings = Settings(broker="kafka://127.0.0.1:1", board_token=None)
    done = CliRunner().invoke(main, ["board", "--bind", "0.0.0.0"], obj=settings)
    assert done.exit_code != 0 and "WIREWATCH_BOARD_TOKEN" in done.output
