import pytest

from streams.claim_values import ClaimValues


@pytest.fixture(scope="module")
def values() -> ClaimValues:
    return ClaimValues.load()


@pytest.mark.parametrize("name", ["NLF", "the Front", "Northern Liberation Front",
                                  "the northern liberation front", "Northern Liberaton Front"])
def test_group_forms_fold_to_one(values: ClaimValues, name: str) -> None:
    assert values.name(name) == "Northern Liberation Front"


def test_unknown_name_kept_as_written(values: ClaimValues) -> None:
    assert values.name("the Western Militia") == "Western Militia"
    assert values.name("Gaza") == "Gaza"


@pytest.mark.parametrize(("attribute", "word", "value"), [
    ("status", "freed", "released"), ("status", "set free", "released"),
    ("status", "let go", "released"), ("status", "rescued by special forces", "rescued"),
    ("role", "serviceman", "military"), ("role", "servicemember", "military"),
    ("role", "member of the military", "military"), ("role", "conscript", "military"),
    ("role", "reservist", "military"), ("role", "photographer", "journalist"),
])
def test_lexicon(values: ClaimValues, attribute: str, word: str, value: str) -> None:
    assert values.lexicon(attribute, [word]) == value


def test_lexicon_unknown_word(values: ClaimValues) -> None:
    assert values.lexicon("role", ["hostage"]) is None


@pytest.mark.parametrize("name", ["the Front's armed wing", "NLF's military wing",
                                  "the armed wing of the Northern Liberation Front"])
def test_a_groups_branch_is_the_group(values: ClaimValues, name: str) -> None:
    assert values.name(name) == "Northern Liberation Front"


def test_a_branch_of_an_unknown_group_is_that_group(values: ClaimValues) -> None:
    assert values.name("the Western Militia's armed wing") == "Western Militia"
