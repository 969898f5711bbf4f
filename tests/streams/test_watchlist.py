import pytest

from streams.watchlist import entity_id, load_watchlist, parse_watchlist


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
