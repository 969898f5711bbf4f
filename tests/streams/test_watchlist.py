import re

import pytest

from streams.errors import WatchlistError
from streams.watchlist import (
    MAX_WATCHLIST_BYTES,
    WatchedEntity,
    Watchlist,
    combine,
    entity_id,
    load_watchlist,
    parse_watchlist,
)


def test_ids_are_stable_and_ascii():
    assert entity_id("Mousa Abú-Marzouk") == "mousa-abu-marzouk"
    assert entity_id("  Daniel   Orlov ") == "daniel-orlov"


def test_load_yaml(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("entities:\n  - name: Daniel Orlov\n    aliases: [Danil Orlov]\n"
                    "    kind: hostage\n  - Mira Kessling\n")
    watchlist = load_watchlist(path)
    assert [e.id for e in watchlist] == ["daniel-orlov", "mira-kessling"]
    orlov = watchlist.get("daniel-orlov")
    assert orlov.names == ("Daniel Orlov", "Danil Orlov")
    assert orlov.kind == "hostage"


def test_no_path_is_empty():
    assert len(load_watchlist(None)) == 0


@pytest.mark.parametrize("data", [[1, 2], {"entities": "x"}, {"entities": [{"kind": "x"}]},
                                  {"entities": [{"name": "A", "aliases": "B"}]}])
def test_malformed_watchlist_is_refused(data):
    with pytest.raises(ValueError):
        parse_watchlist(data)


def test_non_latin_names_get_stable_ascii_ids():
    assert entity_id("Павел Волков") == "pavel-volkov"
    assert entity_id("Ἀλέξανδρος Κωνσταντίνου") == "alexandros-konstantinou"


@pytest.mark.parametrize("name", ["!!!", "...", "\U0001F525", "\U0001F525\U0001F4F0", "\u200b"])
def test_an_id_is_never_empty(name):
    assert entity_id(name).startswith("u-") and entity_id(name) == entity_id(f" {name} ")
    assert len({entity_id(n) for n in ("!!!", "...", "\U0001F525", "")}) == 4


@pytest.mark.parametrize("name", ["", "  ", "!!!", "...", "\U0001F525", "-- * --"])
def test_a_watched_name_without_letter_or_digit_is_refused(name):
    with pytest.raises(WatchlistError, match="a watched"):
        WatchedEntity(name)


@pytest.mark.parametrize(("data", "message"), [
    ({"entities": ["Pavel Volkov", "Павел Волков"]},
     "entries 0 ('Pavel Volkov') and 1 ('Павел Волков') would share the id 'pavel-volkov'"),
    ({"entities": ["Pavel Volkov", {"name": "PAVEL-VOLKOV"}]}, "would share the id"),
    ({"entities": ["Daniel Orlov", "!!!"]}, "entry 1: a watched name needs a letter or digit"),
    ({"entities": [{"name": "Daniel Orlov", "alias": ["D. Orlov"]}]},
     "entry 0 ('Daniel Orlov'): unknown key 'alias'"),
    ({"entites": ["Daniel Orlov"]}, "unknown key 'entites'"),
    ({"entities": [{"name": "Daniel Orlov", "kind": ["hostage"]}]}, "'kind' must be a word"),
])
def test_a_wrong_watchlist_names_the_problem(data, message):
    with pytest.raises(WatchlistError, match=re.escape(message)):
        parse_watchlist(data)


@pytest.mark.parametrize(("text", "message"), [
    ("entities:\n  - name: [Daniel Orlov\n", "not valid YAML: expected ',' or ']'"),
    ("entities:\n\t- Daniel Orlov\n", "not valid YAML: found character '\\t'"),
    ("entities:\n  - name: Daniel Orlov\n    kind: 2026-02-30\n", "not valid YAML"),
    ("entities: &e\n  - Daniel Orlov\nmore: *e\n", "YAML aliases are not allowed (line 3"),
    ("entities: " + "[" * 50 + "]" * 50 + "\n", "nests deeper than"),
])
def test_a_malformed_watchlist_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError, match=re.escape(message)) as info:
        load_watchlist(path)
    assert str(path) in str(info.value)


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]"
              for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nentities: *i\n")
    assert path.stat().st_size < 600  # 9**9 strings once expanded
    with pytest.raises(WatchlistError, match="aliases are not allowed"):
        load_watchlist(path)


def test_an_oversized_watchlist_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("entities:\n" + "  - Daniel Orlov\n" * (MAX_WATCHLIST_BYTES // 16 + 1))
    with pytest.raises(WatchlistError, match="larger than"):
        load_watchlist(path)


def test_a_missing_or_unreadable_watchlist_file_is_a_watchlist_error(tmp_path):
    with pytest.raises(WatchlistError, match="no such file"):
        load_watchlist(tmp_path / "missing.yaml")
    with pytest.raises(WatchlistError, match="cannot read it"):
        load_watchlist(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes(b"entities:\n  - Jos\xe9\n")
    with pytest.raises(WatchlistError, match="not UTF-8"):
        load_watchlist(tmp_path / "latin1.yaml")


def test_a_runtime_entry_never_takes_over_a_configured_id():
    configured = parse_watchlist({"entities": ["Pavel Volkov", "Daniel Orlov"]})
    runtime = Watchlist.of([WatchedEntity("Павел Волков"), WatchedEntity("daniel orlov",
                                                                         ("Danil Orlov",)),
                            WatchedEntity("Mira Kessling")])
    combined, refused = combine(configured, runtime)
    assert [(e.id, e.name) for e in combined] == [
        ("pavel-volkov", "Pavel Volkov"), ("daniel-orlov", "daniel orlov"),
        ("mira-kessling", "Mira Kessling")]
    assert combined.get("daniel-orlov").aliases == ("Danil Orlov",)
    assert refused == ["runtime watchlist entry 'Павел Волков' left out: it would share the "
                       "id 'pavel-volkov' with 'Pavel Volkov' of the watchlist file"]
