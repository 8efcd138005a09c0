"""Settings: explicit argument > STACKADVISOR_* env var > default."""

from pathlib import Path

import pytest

from stackadvisor.config import Settings, default_home
from stackadvisor.errors import ConfigError


def test_defaults(monkeypatch):
    monkeypatch.delenv("STACKADVISOR_HOME", raising=False)
    s = Settings.load()
    assert s.llm == "offline" and s.k == 4 and s.timeout == 30.0 and s.chroma_url is None
    assert s.home == default_home()


def test_env_beats_default_and_argument_beats_env(monkeypatch, tmp_path):
    monkeypatch.setenv("STACKADVISOR_K", "7")
    monkeypatch.setenv("STACKADVISOR_HOME", str(tmp_path))
    assert Settings.load().k == 7
    assert Settings.load(k=2).k == 2
    assert Settings.load().home == tmp_path


def test_openai_base_url_env(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert Settings.load().base_url == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("name,value", [("k", "lots"), ("k", "0"), ("timeout", "-1"), ("max_input_chars", "3")])
def test_bad_values_name_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(f"STACKADVISOR_{name.upper()}", value)
    with pytest.raises(ConfigError, match=name):
        Settings.load()


def test_unknown_setting():
    with pytest.raises(ConfigError, match="Unknown setting"):
        Settings.load(colour="blue")


def test_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_home() == Path(tmp_path) / "stackadvisor"
