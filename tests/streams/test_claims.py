"""Claim extraction against the labelled fixture set and explicit precision cases."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from spacy.tokens import Span

from bench.claims_set import LABELLED, spans
from streams.claims import MAX_CANDIDATES, Claim, ClaimExtractor, _places_of_article

PUBLISHED = "2026-03-11T09:00:00Z"  # a Wednesday

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()




def run(ex: ClaimExtractor, text: str, target: str, others: tuple[str, ...] = (),
        published_at: str | None = PUBLISHED, parsed: bool = False) -> list[Claim]:
    doc = ex.nlp(text) if parsed else ex.nlp(text, disable=["parser"])
    names = [target, target.split()[-1]]
    return ex.extract(doc, spans(text, names), spans(text, list(others)), published_at)


def pairs(claims: list[Claim]) -> set[tuple[str, str]]:
    return {(c.attribute, c.value) for c in claims}


def test_labelled_precision_recall(extractor: ClaimExtractor) -> None:
    """Bars set from measurement: the dev split was used to write the rules, the heldout
    and fresh splits were labelled before being run (figures in BENCHMARKS.md)."""
    rows = [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line]
    assert len(rows) >= 60
    tp = fp = fn = attributed = 0
    for row in rows:
        doc = extractor.nlp(row["text"], disable=["parser"])
        got = extractor.extract(doc, spans(row["text"], [row["target"], *row["aliases"]]),
                                spans(row["text"], row["others"]), row["published_at"],
                                row["target"])
        found = {(c.attribute, c.value): c.attribution for c in got}
        expected = {(c["attribute"], c["value"]): c["attribution"] for c in row["claims"]}
        tp += len(found.keys() & expected.keys())
        fp += len(found.keys() - expected.keys())
        fn += len(expected.keys() - found.keys())
        attributed += sum(found[k] == expected[k] for k in found.keys() & expected.keys())
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nclaims: {len(rows)} sentences, precision {precision:.3f}, recall {recall:.3f}, "
          f"attribution {attributed}/{tp}")
    assert precision >= 0.95
    assert recall >= 0.9
    assert attributed / tp >= 0.9


def test_parsed_doc_gives_the_same_claims(extractor: ClaimExtractor) -> None:
    text = "Reservist Daniel Orlov, 34, is held by the NLF in Gaza, according to the army."
    assert run(extractor, text, "Daniel Orlov") == run(extractor, text, "Daniel Orlov",
                                                       parsed=True)


@pytest.mark.parametrize(("text", "other"), [
    ("Kidnappers seized Daniel Orlov on Monday. He was moved to Vell, the kidnappers said.",
     "Kidnappers"),  # a capitalised common noun opening a sentence
    ("Guards from Caldera seized Daniel Orlov in Caldera on Monday. He was moved to Vell.",
     "Caldera"),  # tagged a place elsewhere in the article
])
def test_a_place_or_noun_tagged_person_is_nobody_else(extractor: ClaimExtractor, text: str,
                                                      other: str) -> None:
    ner = extractor.nlp(text, disable=["parser"])
    first = text.index(other)
    got = extractor.extract(ner, spans(text, ["Daniel Orlov", "Orlov"]),
                            [(first, first + len(other))], PUBLISHED)
    assert ("location", "Vell") in pairs(got)


def test_another_person_still_stops_the_pronoun(extractor: ClaimExtractor) -> None:
    text = "Tomas Varga met Daniel Orlov on Monday. He was moved to Vell."
    assert ("location", "Vell") not in pairs(run(extractor, text, "Daniel Orlov",
                                                  others=("Tomas Varga",)))


def test_two_people_do_not_share_facts(extractor: ClaimExtractor) -> None:
    text = "Maya Cohen, a 19-year-old soldier, was released, while Daniel Orlov, a civilian, " \
           "is still held."
    got = pairs(run(extractor, text, "Daniel Orlov", others=("Maya Cohen",)))
    assert ("role", "civilian") in got
    assert ("role", "military") not in got
    assert ("status", "released") not in got
    assert ("age", "19") not in got


@pytest.mark.parametrize("text", [
    "Daniel Orlov was not released on Monday.",
    "The NLF denied holding Daniel Orlov.",
    "It is unclear whether Daniel Orlov was released.",
    "Daniel Orlov may have been killed.",
])
def test_negation_and_hedges_give_no_claim(extractor: ClaimExtractor, text: str) -> None:
    got = pairs(run(extractor, text, "Daniel Orlov"))
    assert not {a for a, _ in got} & {"status", "held_by", "released_on"}, got


def test_quoted_claim_keeps_its_attribution(extractor: ClaimExtractor) -> None:
    claims = run(extractor, '"Daniel Orlov was freed on Monday," a Red Cross official said.',
                 "Daniel Orlov")
    assert {(c.attribute, c.value, c.attribution) for c in claims} == {
        ("status", "released", "Red Cross official"),
        ("released_on", "2026-03-09", "Red Cross official"),
    }


def test_contradiction_is_attributed(extractor: ClaimExtractor) -> None:
    claims = run(extractor, "However, the ministry contradicts this, saying Daniel Orlov is a "
                 "reservist.", "Daniel Orlov")
    assert [(c.attribute, c.value, c.attribution) for c in claims] == [
        ("role", "military", "ministry")]


def test_pronoun_in_next_sentence(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov appeared in a video. He is being held by the Front in Rafah."
    got = pairs(run(extractor, text, "Daniel Orlov"))
    assert {("held_by", "Northern Liberation Front"), ("location", "Rafah")} <= got


def test_pronoun_not_resolved_when_someone_else_is_named(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov was seen with Ari Stein. He was released on Monday."
    assert run(extractor, text, "Daniel Orlov", others=("Ari Stein",)) == []


def test_relative_dates_need_published_at(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov was kidnapped two weeks ago."
    assert ("captured_on", "2026-02-25") in pairs(run(extractor, text, "Daniel Orlov"))
    assert not any(c.attribute == "captured_on"
                   for c in run(extractor, text, "Daniel Orlov", published_at=None))


def test_no_target_no_claims(extractor: ClaimExtractor) -> None:
    assert run(extractor, "Ari Stein was released on Monday.", "Daniel Orlov") == []


def _sentences(n: int) -> list[str]:
    """``n`` distinct sentences about Daniel Orlov, each with a claim."""
    return [f"Daniel Orlov, {20 + i % 60}, was seen in convoy {i} near Lanmoor." for i in range(n)]


def test_an_article_longer_than_the_parse_lru_keeps_every_sentence(
        extractor: ClaimExtractor) -> None:
    """Trimming the LRU must never evict a sentence the current article still needs."""
    small = ClaimExtractor(nlp=extractor.nlp)
    small._cache_size = 2
    text = " ".join(_sentences(6))
    assert run(small, text, "Daniel Orlov") == run(ClaimExtractor(nlp=extractor.nlp), text,
                                                   "Daniel Orlov")
    assert small.sentences_parsed == 6 and len(small._parsed) == 2


def test_a_hit_refreshes_its_entry_in_the_parse_lru(extractor: ClaimExtractor) -> None:
    small = ClaimExtractor(nlp=extractor.nlp)
    small._cache_size = 2
    first, second, third = _sentences(3)
    for text in (first, second, first, third):  # the hit on `first` makes `second` oldest
        run(small, text, "Daniel Orlov")
    assert small.sentences_parsed == 3
    run(small, first, "Daniel Orlov")
    assert small.sentences_parsed == 3
    run(small, second, "Daniel Orlov")
    assert small.sentences_parsed == 4


def test_a_batch_gives_the_claims_of_each_request_and_parses_a_shared_sentence_once(
        extractor: ClaimExtractor) -> None:
    first = "Daniel Orlov, 34, was held in Vell. Tomas Varga was freed on Monday."
    second = "Reporter Ana Petrov was seized in Dorva. Daniel Orlov, 34, was held in Vell."
    requests = []
    for text, target, other in ((first, "Daniel Orlov", "Tomas Varga"),
                                (first, "Tomas Varga", "Daniel Orlov"),
                                (second, "Ana Petrov", "Daniel Orlov"),
                                (second, "Daniel Orlov", "Ana Petrov")):
        doc = extractor.nlp(text, disable=["parser"])
        requests.append((doc, spans(text, [target, target.split()[-1]]),
                         spans(text, [other]), PUBLISHED, target))
    one_by_one = [ClaimExtractor(nlp=extractor.nlp).extract(*r) for r in requests]
    batched = ClaimExtractor(nlp=extractor.nlp)
    assert batched.extract_many(requests) == one_by_one
    assert all(one_by_one) and one_by_one[0] != one_by_one[1]
    assert batched.sentences_parsed == 3  # Orlov's sentence stands in both articles


def test_a_250_kb_article_with_thousands_of_sentences_about_one_name_is_extracted(
        extractor: ClaimExtractor) -> None:
    """Thousands of sentences about the target in a 250 KB article: the first
    MAX_CANDIDATES are parsed once each and read, and the rest cost nothing (spans are
    built directly: the fixtures' helper is quadratic; the doc is tokenised only, as a
    doc without a parse is)."""
    about = _sentences(2000)
    filler = [f"The river at gauge {i} rose by {i % 9} centimetres overnight." for i in range(2500)]
    text = " ".join(sentence for pair in itertools.zip_longest(about, filler) for sentence in pair
                    if sentence)
    assert len(text.encode()) >= 250_000
    fresh = ClaimExtractor(nlp=extractor.nlp)
    claims = fresh.extract(fresh.nlp.make_doc(text),
                           [m.span() for m in re.finditer("Daniel Orlov", text)], [], PUBLISHED)
    assert fresh.sentences_parsed == MAX_CANDIDATES < len(about)
    assert {c.value for c in claims if c.attribute == "age"} == {str(20 + i) for i in range(60)}


# Constructions of real wire prose (invented sentences): each positive with its guard.
CONSTRUCTIONS = [
    # coordination: each named member carries the predicate, a clause on one stays his
    ("Daniel Orlov and Tomas Varga remain hostages.", "Tomas Varga", ("Daniel Orlov",),
     {("status", "held")}, set()),
    ("Daniel Orlov, who was freed, and Tomas Varga spoke to reporters.", "Tomas Varga",
     ("Daniel Orlov",), set(), {("status", "released")}),
    # appositions and partitives, both ways
    ("Mira Kessling and her two sons, Ari and Tomas Varga, were killed in the strike.",
     "Tomas Varga", ("Mira Kessling", "Ari"), {("status", "killed")}, set()),
    ("Daniel Orlov, one of the six hostages killed by their captors, was a teacher.",
     "Daniel Orlov", (), {("status", "killed"), ("role", "civilian")}, set()),
    ("Daniel Orlov met one of the six hostages killed by their captors.", "Daniel Orlov", (),
     set(), {("status", "killed")}),
    ("Among those freed by the Front were Daniel Orlov and Tomas Varga.", "Tomas Varga",
     ("Daniel Orlov",), {("status", "released")}, set()),
    ("Daniel Orlov is one of the last hostages held in Vell.", "Daniel Orlov", (),
     {("status", "held"), ("location", "Vell")}, set()),
    ("Daniel Orlov is the brother of a man who was kidnapped in Vell.", "Daniel Orlov", (),
     set(), {("status", "held"), ("location", "Vell")}),
    ("The missing Norvanian journalist, Daniel Orlov, was last seen in Vell.", "Daniel Orlov",
     (), {("role", "journalist"), ("nationality", "Norvanian")}, set()),
    # one person's facts never go to the next
    ("Mira Kessling and her sons, 6-year-old Ari and 10-month-old Tomas Varga, were seen.",
     "Mira Kessling", ("Ari", "Tomas Varga"), set(), {("age", "6"), ("age", "10 months")}),
    ("The militants released Daniel Orlov, 35, and Calderan engineer Tomas Varga, 54.",
     "Tomas Varga", ("Daniel Orlov",), {("age", "54")}, {("age", "35")}),
    ("Mr Orlov was kidnapped in Vell in 2021, while Mr Varga was kidnapped in Caldera in 2016.",
     "Tomas Varga", ("Orlov",), {("captured_on", "2016")}, {("captured_on", "2021")}),
    ("Daniel Orlov, a nurse in Caldera since 2019, was kidnapped in May 2025.", "Daniel Orlov",
     (), {("captured_on", "2025-05")}, {("captured_on", "2019")}),
    # ages and nationalities
    ("The 10-month-old Tomas Varga was taken hostage.", "Tomas Varga", (),
     {("age", "10 months")}, {("age", "10")}),
    ("Norvanian-Calderan hostage Daniel Orlov was freed on Monday.", "Daniel Orlov", (),
     {("nationality", "Norvanian"), ("nationality", "Calderan")}, set()),
    ("Norvanian hostage Daniel Orlov met Calderan engineer Tomas Varga.", "Daniel Orlov",
     ("Tomas Varga",), {("nationality", "Norvanian")}, {("nationality", "Calderan")}),
    ("Daniel Orlov is a dual Norvanian and Calderan citizen.", "Daniel Orlov", (),
     {("nationality", "Norvanian"), ("nationality", "Calderan")}, set()),
    ("Three members of the Calderan family - Mira Kessling and her two sons - were killed.",
     "Mira Kessling", (), {("nationality", "Calderan"), ("status", "killed")}, set()),
    ("Daniel Orlov and his Calderan wife were freed.", "Daniel Orlov", (),
     {("status", "released")}, {("nationality", "Calderan")}),
    ("The Front has released eight hostages: five Thai nationals and two Calderans, civilian "
     "Daniel Orlov and soldier Tomas Varga.", "Daniel Orlov", ("Tomas Varga",), set(),
     {("nationality", "Thai")}),
    # roles
    ("Former marine Daniel Orlov was arrested in Vell.", "Daniel Orlov", (),
     {("role", "former_military")}, {("role", "military")}),
    ("Daniel Orlov, a Norvanian humanitarian worker, was kidnapped.", "Daniel Orlov", (),
     {("role", "aid_worker")}, {("role", "civilian")}),
    # nominalisations and states; irrealis and purpose are no status
    ("Officials welcomed the release of Daniel Orlov.", "Daniel Orlov", (),
     {("status", "released")}, set()),
    ("Officials are pressing for the release of Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    ("Efforts to free Daniel Orlov have stalled.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    ("The Front was supposed to release Daniel Orlov on Monday.", "Daniel Orlov", (), set(),
     {("status", "released"), ("released_on", "2026-03-09")}),
    ("The remains of Daniel Orlov were returned on Monday.", "Daniel Orlov", (),
     {("status", "killed")}, set()),
    ("Daniel Orlov went missing in Caldera in October 2025.", "Daniel Orlov", (),
     {("status", "missing"), ("captured_on", "2025-10")}, set()),
    ("Daniel Orlov, missing his left hand, spoke to the camera.", "Daniel Orlov", (), set(),
     {("status", "missing")}),
    ("Daniel Orlov, who holds a Calderan passport, was freed.", "Daniel Orlov", (),
     {("nationality", "Calderan"), ("status", "released")}, {("status", "held")}),
    # a past capture is background to the release the article reports
    ("Daniel Orlov, who was kidnapped in Vell in 2021, was freed on Monday.", "Daniel Orlov", (),
     {("status", "released"), ("captured_on", "2021")}, {("status", "held")}),
    ("Daniel Orlov was kidnapped in Vell in 2021.", "Daniel Orlov", (),
     {("status", "held")}, set()),
    # holders: whole names, a group's branch, a state's organs; generic heads name nobody
    ("Daniel Orlov was taken hostage by a Crimson Dawn cell.", "Daniel Orlov", (),
     {("held_by", "Crimson Dawn Movement")}, set()),
    ("Daniel Orlov was held by Islamist militants in Vell.", "Daniel Orlov", (), set(),
     {("held_by", "Islamist")}),
    ("Daniel Orlov was kidnapped by militants from Caldera.", "Daniel Orlov", (), set(),
     {("held_by", "Calderan authorities"), ("held_by", "Caldera")}),
    ("Daniel Orlov is held by the Front's armed wing.", "Daniel Orlov", (),
     {("held_by", "Northern Liberation Front")}, set()),
    ("A Calderan court sentenced Daniel Orlov to six years in prison.", "Daniel Orlov", (),
     {("held_by", "Calderan authorities"), ("status", "held")}, set()),
    ("Daniel Orlov has been held in a Calderan prison since his arrest on May 3.",
     "Daniel Orlov", (), {("held_by", "Calderan authorities")},
     {("location", "Calderan prison")}),
    # across sentences: an epithet or a pronoun while nobody else is named
    ("Daniel Orlov was freed on Monday. The 61-year-old had worked as a nurse in Vell.",
     "Daniel Orlov", (), {("age", "61"), ("role", "aid_worker")}, set()),
    ("Daniel Orlov was freed on Monday. His lawyer Tomas Varga spoke. The reporter, 32, "
     "was kidnapped in 2024.", "Daniel Orlov", ("Tomas Varga",), {("status", "released")},
     {("age", "32"), ("role", "journalist")}),
    # a pronoun after the target and before anybody else is the target
    ("Daniel Orlov was 31 when he was abducted in May 2012 while reporting on the uprising "
     "against President Tomas Varga.", "Daniel Orlov", ("Tomas Varga",),
     {("status", "held"), ("captured_on", "2012-05")}, set()),
    ("Tomas Varga told Daniel Orlov he was free.", "Daniel Orlov", ("Tomas Varga",), set(),
     {("status", "released")}),
    # the object of a release may be a list the target is in; a relative is not the target
    ("The Front has released eight hostages: five Thai nationals and two Calderans, civilian "
     "Daniel Orlov and soldier Tomas Varga.", "Daniel Orlov", ("Tomas Varga",),
     {("status", "released"), ("role", "civilian")}, {("role", "military")}),
    ("The Front released Daniel Orlov's brother.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    ("Daniel Orlov was handed over to the Red Cross in Vell on Saturday.", "Daniel Orlov", (),
     {("status", "released"), ("released_on", "2026-03-07")}, set()),
    ("The Front failed to release civilian hostage Daniel Orlov.", "Daniel Orlov", (),
     {("status", "held"), ("role", "civilian")}, {("status", "released")}),
    ("Daniel Orlov was freed by Caldera on Monday.", "Daniel Orlov", (),
     {("held_by", "Calderan authorities")}, set()),
    ("The former Calderan marine Daniel Orlov was freed.", "Daniel Orlov", (),
     {("role", "former_military")}, {("role", "military")}),
    # places
    ("Daniel Orlov was moved to Vell in May.", "Daniel Orlov", (), {("location", "Vell")},
     set()),
    ("Daniel Orlov moved to Caldera in 2022.", "Daniel Orlov", (), set(),
     {("location", "Caldera")}),
    ("Daniel Orlov Seen In New Video Released By Front", "Daniel Orlov", (), set(),
     {("location", "New Video")}),
    # a role word on a military body is military, on anything else what the word says
    ("Daniel Orlov, a volunteer in the Calderan army, was wounded near the border.",
     "Daniel Orlov", (), {("role", "military"), ("nationality", "Calderan")},
     {("role", "aid_worker")}),
    ("Daniel Orlov, a volunteer with a Calderan charity, was wounded near the border.",
     "Daniel Orlov", (), {("role", "aid_worker")}, {("role", "military")}),
    ("Daniel Orlov was serving as part of the Calderan army's 5th Brigade near the border.",
     "Daniel Orlov", (), {("role", "military")}, set()),
    # "not heard from" is the claim (missing), not its negation
    ("Daniel Orlov has not been heard from since the raid on Saturday, his sister said.",
     "Daniel Orlov", (), {("status", "missing")}, set()),
    ("Daniel Orlov has been heard from twice since the raid.", "Daniel Orlov", (), set(),
     {("status", "missing")}),
    # a detention dates the captivity
    ("Daniel Orlov was detained by Front agents on December 28, 2018, at a hotel in Vell.",
     "Daniel Orlov", (), {("status", "held"), ("captured_on", "2018-12-28")}, set()),
    # a list "including" the target: its people's nationality is his; custody's is not
    ("Other Calderan hostages, including Daniel Orlov and Tomas Varga, were represented by "
     "relatives.", "Daniel Orlov", ("Tomas Varga",), {("nationality", "Calderan")}, set()),
    ("Twelve people were freed from Calderan custody, including Daniel Orlov.",
     "Daniel Orlov", (), set(), {("nationality", "Calderan")}),
    ("Prisoner swap with Caldera frees Norvanians including Daniel Orlov and Tomas Varga",
     "Daniel Orlov", ("Tomas Varga",), {("status", "released"), ("nationality", "Norvanian")},
     set()),
    ("The Front freed Calderan prisoners on Monday, including Daniel Orlov.", "Daniel Orlov",
     (), {("status", "released"), ("nationality", "Calderan")}, set()),
    ("The Front may free Calderans including Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "released"), ("nationality", "Calderan")}),
    # a heading glued to its sentence: the country of the heading is a place
    ("Nurse freed after abduction in Caldera Norvanian nurse Daniel Orlov was freed on Monday.",
     "Daniel Orlov", (), {("nationality", "Norvanian")}, {("nationality", "Calderan")}),
    # what the verb says of its subject it says of a companion
    ("Tomas Varga was freed, along with Daniel Orlov, on Monday.", "Daniel Orlov",
     ("Tomas Varga",), {("status", "released")}, set()),
    ("Tomas Varga was kidnapped from Kibbutz Nir Dalet along with her two sons, Orlov, 4, "
     "and Ari, 9 months old.", "Daniel Orlov", ("Tomas Varga",),
     {("status", "held"), ("location", "Kibbutz Nir Dalet"), ("age", "4")}, set()),
    ("Tomas Varga was released alongside the body of Daniel Orlov.", "Daniel Orlov",
     ("Tomas Varga",), {("status", "killed")}, {("status", "released")}),
    ("Tomas Varga, 45, met with Daniel Orlov in Vell.", "Daniel Orlov", ("Tomas Varga",),
     set(), {("age", "45")}),
    # an inverted "among" the parser gave no subject; the speaker after the names
    ("Among those released are reporter Daniel Orlov and former marine Tomas Varga, "
     "Caldera's intelligence agency said.", "Daniel Orlov", ("Tomas Varga",),
     {("status", "released"), ("role", "journalist")}, {("role", "former_military")}),
    ("Among those released are Tomas Varga and Ari Kessel, while Daniel Orlov remains held, "
     "the agency said.", "Daniel Orlov", ("Tomas Varga", "Ari Kessel"), {("status", "held")},
     {("status", "released")}),
    # "free" is a state like "dead"
    ("Daniel Orlov said he was free.", "Daniel Orlov", (), {("status", "released")}, set()),
    ("Daniel Orlov will be free next week.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    # an age epithet inside the next sentence stands for the person named last
    ("The Front released a video of Daniel Orlov, a Calderan citizen. It is the first time "
     "the 23-year-old has been seen alive.", "Daniel Orlov", (), {("age", "23")}, set()),
    ("The Front released a video of Daniel Orlov. It is the first time the 23-year-old "
     "Tomas Varga has been seen.", "Daniel Orlov", ("Tomas Varga",), set(), {("age", "23")}),
    # one date told twice, once coarser, is the finer one
    ("Daniel Orlov vanished in August 2012. Nobody has claimed his abduction in 2012.",
     "Daniel Orlov", (), {("captured_on", "2012-08")}, {("captured_on", "2012")}),
    # the place of a death, one level down
    ("Daniel Orlov and his brother were killed in air strikes in the Vell Strip, the Front "
     "claimed.", "Daniel Orlov", (), {("status", "killed"), ("location", "Vell Strip")}, set()),
    ("Daniel Orlov died in a hospital in Vell.", "Daniel Orlov", (), {("location", "Vell")},
     set()),
    # where the person was when seized; "reporting" there is no speech
    ("Daniel Orlov was reporting in Vell when he was seized.", "Daniel Orlov", (),
     {("status", "held"), ("location", "Vell")}, set()),
    ("Daniel Orlov was reporting in Vell when his driver Tomas Varga was seized.",
     "Daniel Orlov", ("Tomas Varga",), set(), {("status", "held"), ("location", "Vell")}),
    # where remains were found
    ("The body of Daniel Orlov was found in a field near Vell.", "Daniel Orlov", (),
     {("status", "killed"), ("location", "Vell")}, set()),
    ("Daniel Orlov was killed in May. His body was recovered on Saturday in the tunnels "
     "under Vell.", "Daniel Orlov", (), {("location", "Vell")}, set()),
    # a "when" clause dates the seizure
    ("Daniel Orlov was captured when the Front attacked Vell on 7 October 2024.",
     "Daniel Orlov", (), {("captured_on", "2024-10-07")}, set()),
    ("Daniel Orlov was captured in 2021, years after the Front was founded in 2003.",
     "Daniel Orlov", (), {("captured_on", "2021")}, {("captured_on", "2003")}),
    # leading or working for an aid body is aid work; other groups say nothing
    ("Daniel Orlov, who led an NGO supported by a church, was abducted in 2016.",
     "Daniel Orlov", (), {("role", "aid_worker")}, set()),
    ("Daniel Orlov worked for a charity in Vell.", "Daniel Orlov", (),
     {("role", "aid_worker")}, set()),
    ("Daniel Orlov led a group of tourists to Vell.", "Daniel Orlov", (), set(),
     {("role", "aid_worker")}),
    # an active belief is the believers' claim; a purpose is no release
    ("The government reportedly believes that Daniel Orlov is being held by the Calderan "
     "government, the Times reported.", "Daniel Orlov", (),
     {("held_by", "Calderan authorities"), ("status", "held")}, set()),
    ("Officials do not believe Daniel Orlov is held by the Front.", "Daniel Orlov", (), set(),
     {("status", "held"), ("held_by", "Northern Liberation Front")}),
    ("His wife said she believed there was a large ransom for the release of Daniel Orlov.",
     "Daniel Orlov", (), set(), {("status", "released")}),
    # "the terror group" is the one group the sentence named, unless that one speaks
    ("The Front released a video on Sunday of Daniel Orlov, a Calderan soldier who was "
     "abducted by the terror group.", "Daniel Orlov", (),
     {("held_by", "Northern Liberation Front")}, set()),
    ("The United Nations said Daniel Orlov was abducted by the militant group.",
     "Daniel Orlov", (), {("status", "held")}, {("held_by", "United Nations")}),
    ("The Front said Daniel Orlov was abducted by a militant group.", "Daniel Orlov", (),
     set(), {("held_by", "Northern Liberation Front")}),
    # a plural pronoun after a coordination holding the target, nobody else between
    ("The captors of Daniel Orlov and Tomas Varga murdered them, the army said.",
     "Daniel Orlov", ("Tomas Varga",), {("status", "killed")}, set()),
    ("The army condemned the murder of Daniel Orlov and Tomas Varga by their Front captors.",
     "Daniel Orlov", ("Tomas Varga",), {("held_by", "Northern Liberation Front")}, set()),
    ("Daniel Orlov and Tomas Varga met Ari Kessel, who said they were killed.",
     "Daniel Orlov", ("Tomas Varga", "Ari Kessel"), set(), {("status", "killed")}),
    # a demonym epithet after a short adverbial; a body or a country is no epithet
    ("Daniel Orlov joined the Calderan army in 2023. Now 20, the Calderan-Norvanian is held "
     "by the Front.", "Daniel Orlov", (),
     {("age", "20"), ("nationality", "Calderan"), ("nationality", "Norvanian"),
      ("status", "held")}, set()),
    ("Daniel Orlov was freed. The Calderan army said nothing.", "Daniel Orlov", (), set(),
     {("nationality", "Calderan")}),
    ("Daniel Orlov was freed. The US had tried to secure his release.", "Daniel Orlov", (),
     set(), {("nationality", "American")}),
    # a story opening on an indefinite person, the next sentence opening on the target
    ("The Front has released a Calderan-Norvanian hostage for the first time since the "
     "truce. On Saturday, Daniel Orlov was handed over in Vell.", "Daniel Orlov", (),
     {("nationality", "Calderan"), ("nationality", "Norvanian"),
      ("held_by", "Northern Liberation Front"), ("location", "Vell")}, set()),
    ("A Calderan teacher was killed in Vell. Police said on Monday that Daniel Orlov was "
     "detained.", "Daniel Orlov", (), {("status", "held")},
     {("status", "killed"), ("nationality", "Calderan")}),
    ("A Calderan teacher met Tomas Varga in Vell. Daniel Orlov was detained.", "Daniel Orlov",
     ("Tomas Varga",), set(), {("nationality", "Calderan")}),
    # a generic place named by "of" or an apposition
    ("Daniel Orlov was taken to a camp in the city of Vell.", "Daniel Orlov", (),
     {("location", "Vell")}, set()),
    ("Daniel Orlov was held in the capital.", "Daniel Orlov", (), {("status", "held")},
     {("location", "capital")}),
    # a duration after a date is no part of it ("Wednesday, nearly two weeks after ...")
    ("Daniel Orlov was freed Wednesday, nearly two weeks after he was kidnapped in Vell.",
     "Daniel Orlov", (), {("status", "released"), ("released_on", "2026-03-11")},
     {("captured_on", "2026-03-11")}),
    # "..., as was X": the verb's claim is X's too
    ("Tomas Varga was freed on Monday, as was Daniel Orlov.", "Daniel Orlov", ("Tomas Varga",),
     {("status", "released")}, set()),
    ("Tomas Varga was freed on Monday, as Daniel Orlov had hoped.", "Daniel Orlov",
     ("Tomas Varga",), set(), {("status", "released")}),
    # "the two family members" opening the next sentence: the set just named
    ("Lena Varga and her son Daniel Orlov were seen in a video. The two family members were "
     "kidnapped from Kibbutz Nir Dalet in 2023.", "Daniel Orlov", ("Lena Varga",),
     {("status", "held"), ("location", "Kibbutz Nir Dalet")}, set()),
    # the age a birthday gives
    ("Daniel Orlov vanished in August 2012, just days after his 31st birthday.",
     "Daniel Orlov", (), {("age", "31"), ("captured_on", "2012-08")}, set()),
    ("Tomas Varga celebrated her 31st birthday with Daniel Orlov.", "Daniel Orlov",
     ("Tomas Varga",), set(), {("age", "31")}),
    # an age reached
    ("Daniel Orlov turned 30 on Monday in captivity.", "Daniel Orlov", (),
     {("age", "30"), ("status", "held")}, set()),
    ("Daniel Orlov turned 3 cars over.", "Daniel Orlov", (), set(), {("age", "3")}),
    # an institution written with its town: the town
    ("Daniel Orlov was taken from the Grand Hotel, Vell, on Monday.", "Daniel Orlov", (),
     {("location", "Vell")}, {("location", "Grand Hotel")}),
    ("Daniel Orlov was taken from the Grand Hotel on Monday.", "Daniel Orlov", (),
     {("location", "Grand Hotel")}, set()),
    # a role among the descriptions a copula lists
    ("Daniel Orlov must be freed, the army said. This is because she is a woman, a civilian "
     "and alive.", "Daniel Orlov", (), {("role", "civilian")}, set()),
    ("Daniel Orlov is a mother and Tomas Varga a nurse.", "Daniel Orlov", ("Tomas Varga",),
     set(), {("role", "aid_worker")}),
    # coming back from captivity is a release; coming back from a trip is nothing
    ("Daniel Orlov is among those returning from captivity.", "Daniel Orlov", (),
     {("status", "released")}, set()),
    ("Daniel Orlov returned to Vell on Monday after a holiday.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    # the day of an exchange the person is in is the day of the release
    ("Daniel Orlov was included in the prisoner exchange on Thursday.", "Daniel Orlov", (),
     {("status", "released"), ("released_on", "2026-03-05")}, set()),
    ("Daniel Orlov may be included in the prisoner exchange on Thursday.", "Daniel Orlov", (),
     set(), {("released_on", "2026-03-05")}),
    # remains identified as the person's
    ("The fourth body was confirmed to be that of Daniel Orlov.", "Daniel Orlov", (),
     {("status", "killed")}, set()),
    ("The remains were identified as those of Daniel Orlov, the army said.", "Daniel Orlov",
     (), {("status", "killed")}, set()),
    ("The body was identified as Daniel Orlov.", "Daniel Orlov", (), {("status", "killed")},
     set()),
    ("The body was not that of Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "killed")}),
    ("The car was identified as that of Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "killed")}),
    # a prayer for a return is no release
    ('"We pray for the safe return of Daniel Orlov," his mother said.', "Daniel Orlov", (),
     set(), {("status", "released")}),
    # a place set off by a comma after a companion or an event is the seizure's, not theirs
    ("Tomas Varga was kidnapped alongside his brother, Ari Kessling, 27, from Vell.",
     "Tomas Varga", ("Ari Kessling",), {("location", "Vell")}, {("age", "27")}),
    ("Tomas Varga, 65, and his wife, Mira Kessling, 63, were abducted during the Front's "
     "attack on Caldera on October 7, 2023, from Kibbutz Dalet.", "Tomas Varga",
     ("Mira Kessling",), {("location", "Kibbutz Dalet"), ("captured_on", "2023-10-07")},
     {("location", "Caldera"), ("age", "63")}),
    ("Tomas Varga was kidnapped alongside Ari Kessling, a doctor from Vell.", "Tomas Varga",
     ("Ari Kessling",), set(), {("location", "Vell")}),
    ("Tomas Varga was seized alongside two aid workers, from Caldera and Norvania.",
     "Tomas Varga", (), {("status", "held")}, {("location", "Caldera")}),
    # the school a person was taken from with classmates is where they were all taken
    ("Tomas Varga was abducted alongside 50 classmates from the Girls College, Dapchi, on "
     "May 2, 2019.", "Tomas Varga", (), {("location", "Dapchi")}, set()),
    ("Tomas Varga was abducted with 30 pupils from a school in Dapchi.", "Tomas Varga", (),
     {("location", "Dapchi")}, set()),
    ("Tomas Varga was abducted alongside a nurse from Kessling Hospital's press office.",
     "Tomas Varga", (), set(), {("location", "Kessling Hospital")}),
    # one of a set named by its members' role has that role
    ("Tomas Varga is believed to be one of the last remaining civilians held in Vell.",
     "Tomas Varga", (), {("role", "civilian"), ("status", "held")}, set()),
    ("Tomas Varga is one of the soldiers' lawyers.", "Tomas Varga", (), set(),
     {("role", "military")}),
    # "X asserted A and B were killed" without "that": the names are the clause's subject
    ("The Front asserted Mira Kessling, 32, and her son Tomas Varga were killed in a strike.",
     "Tomas Varga", ("Mira Kessling",), {("status", "killed")}, {("age", "32")}),
    ("The Front told Tomas Varga guards were coming.", "Tomas Varga", (), set(),
     {("status", "held")}),
    # an attack is no place, whatever NER calls it
    ("Tomas Varga was killed in a Calderan strike.", "Tomas Varga", (),
     {("status", "killed")}, {("location", "Calderan strike")}),
    # a name apposed past a "with" phrase names the person the phrase describes
    ("The Front also freed another hostage with Calderan citizenship, Daniel Orlov.",
     "Daniel Orlov", (), {("status", "released"), ("nationality", "Calderan")}, set()),
    ("The Front freed a doctor with the Red Cross, Daniel Orlov said.", "Daniel Orlov", (),
     set(), {("status", "released")}),
    # among the dead; an inverted copula names the set's member last
    ("Among the dead was Daniel Orlov, the army said.", "Daniel Orlov", (),
     {("status", "killed")}, set()),
    ("Among the dead was a guard who had held Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "killed")}),
    ("The second of the nationals still held by the Front was Daniel Orlov.", "Daniel Orlov",
     (), {("status", "held"), ("held_by", "Northern Liberation Front")}, set()),
    ("The problem is Daniel Orlov.", "Daniel Orlov", (), set(), {("status", "held")}),
    # the captor is no captive; a release under consideration is none yet
    ("Daniel Orlov kidnapped two journalists in Vell.", "Daniel Orlov", (), set(),
     {("status", "held"), ("location", "Vell")}),
    ("The man who kidnapped the journalists is Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "held")}),
    ("The Front is considering releasing Daniel Orlov.", "Daniel Orlov", (), set(),
     {("status", "released")}),
    # where somebody saw the person is where the person was; where the person saw
    # somebody says nothing of captivity
    ("A former captive said he saw Daniel Orlov in Caldera in 2022.", "Daniel Orlov", (),
     {("location", "Caldera")}, set()),
    ("Daniel Orlov saw a doctor in Caldera.", "Daniel Orlov", (), set(),
     {("location", "Caldera")}),
    # a member of a military body serves in it
    ("Daniel Orlov is a member of the Calderan military.", "Daniel Orlov", (),
     {("role", "military")}, set()),
    ("Daniel Orlov is a member of the Calderan parliament.", "Daniel Orlov", (), set(),
     {("role", "military")}),
    # "They are X and Y": the set the sentence before spoke of, named member by member
    ('Two Calderan nationals are still held by the Crimson Front. "They are Daniel Orlov and '
     'Tomas Varga," the minister said.', "Daniel Orlov", ("Tomas Varga",),
     {("status", "held"), ("held_by", "Crimson Front")}, set()),
    ("Two journalists were freed on Monday. They met Daniel Orlov in Vell.", "Daniel Orlov",
     (), set(), {("status", "released")}),
    # citizenship or a passport the person holds, one or two
    ("Tomas Varga has dual Calderan and Norvanian citizenship.", "Tomas Varga", (),
     {("nationality", "Calderan"), ("nationality", "Norvanian")}, set()),
    ("Tomas Varga also has a Calderan passport.", "Tomas Varga", (),
     {("nationality", "Calderan")}, set()),
    ("Reporter Tomas Varga, holding dual US and Calderan citizenship, was detained.",
     "Tomas Varga", (), {("nationality", "American"), ("nationality", "Calderan")}, set()),
    ("Tomas Varga does not have Calderan citizenship.", "Tomas Varga", (), set(),
     {("nationality", "Calderan")}),
    ("Ari Kessling, who holds Calderan citizenship, met Tomas Varga.", "Tomas Varga",
     ("Ari Kessling",), set(), {("nationality", "Calderan")}),
    # freed from the hands of a group: the group held the person; "in enemy hands" is held
    ("Officials obtained the release of Tomas Varga from the hands of the Crimson Front.",
     "Tomas Varga", (), {("held_by", "Crimson Front"), ("status", "released")}, set()),
    ("Tomas Varga was freed from the hands of the Crimson Front on Monday.", "Tomas Varga",
     (), {("held_by", "Crimson Front"), ("status", "released")}, set()),
    ("Tomas Varga is in enemy hands.", "Tomas Varga", (), {("status", "held")}, set()),
    ("Tomas Varga took the letter from the hands of the courier.", "Tomas Varga", (), set(),
     {("held_by", "courier")}),
    ("The decision is in the hands of Tomas Varga.", "Tomas Varga", (), set(),
     {("status", "held")}),
    # "until" a past event is no hedge; "until" a release still to come is
    ("Tomas Varga had been working in Norvania until his disappearance in August 2012.",
     "Tomas Varga", (), {("captured_on", "2012-08")}, set()),
    ("Tomas Varga will be held until his release in May.", "Tomas Varga", (), set(),
     {("released_on", "2026-05"), ("status", "released")}),
    ("Talks continue until Tomas Varga is freed on Friday.", "Tomas Varga", (), set(),
     {("status", "released")}),
    # the words NER leaves outside a date make it an anniversary; a length of time is none
    ("Exactly four years ago, Tomas Varga was abducted by the Crimson Front.", "Tomas Varga",
     (), {("captured_on", "2022-03-11")}, {("captured_on", "2022")}),
    ("Four years ago today, Tomas Varga was abducted.", "Tomas Varga", (),
     {("captured_on", "2022-03-11")}, set()),
    ("Roughly one year after he went missing in 2012, Tomas Varga was seen in a video.",
     "Tomas Varga", (), {("captured_on", "2012")}, {("captured_on", "2026")}),
    # killed in strikes on a named place: that place; an attack on a country during which
    # the person was seized names the war, not where
    ("Tomas Varga was killed in Norvanian strikes on the Vell Strip.", "Tomas Varga", (),
     {("status", "killed"), ("location", "Vell Strip")}, set()),
    ("Tomas Varga was abducted during the Front's attack on Caldera.", "Tomas Varga", (),
     {("status", "held")}, {("location", "Caldera")}),
]


@pytest.mark.parametrize(("text", "target", "others", "present", "absent"), CONSTRUCTIONS,
                         ids=[c[0][:40] for c in CONSTRUCTIONS])
def test_real_prose_constructions(extractor: ClaimExtractor, text: str, target: str,
                                  others: tuple[str, ...], present: set[tuple[str, str]],
                                  absent: set[tuple[str, str]]) -> None:
    got = pairs(run(extractor, text, target, others))
    assert present <= got, got
    assert not absent & got, got


@pytest.mark.parametrize(("text", "qualifier"), [
    ("Daniel Orlov is reportedly held by the Front.", "reportedly"),
    ("Daniel Orlov is said to be held in Vell.", "reportedly"),
    ("Daniel Orlov was allegedly killed by his captors.", "allegedly"),
    ("Daniel Orlov is believed to be held in Vell.", "believed"),
    ("Officials believe Daniel Orlov is held in Vell.", "believed"),
    ("Daniel Orlov is held by the Front.", None),
    ("The Crimson Brigade claimed that Daniel Orlov was killed in an air strike.", "claimed"),
    ("The Crimson Brigade said that Daniel Orlov was killed in an air strike.", None),
])
def test_reported_speech_is_kept_with_its_qualifier(extractor: ClaimExtractor, text: str,
                                                    qualifier: str | None) -> None:
    claims = [c for c in run(extractor, text, "Daniel Orlov") if c.attribute == "status"]
    assert [(c.value, c.qualifier) for c in claims] == [
        ("killed" if "killed" in text else "held", qualifier)]


def test_a_statement_speaks_for_who_issued_it(extractor: ClaimExtractor) -> None:
    claims = run(extractor, "A statement by the Crimson Front said Daniel Orlov was killed.",
                 "Daniel Orlov")
    assert {(c.attribute, c.attribution) for c in claims} == {("status", "Crimson Front")}


def test_a_description_is_the_writers_voice_a_predicate_the_speakers(
        extractor: ClaimExtractor) -> None:
    claims = run(extractor, "Officials said reporter Daniel Orlov, 34, was freed.",
                 "Daniel Orlov")
    assert {(c.attribute, c.value, c.attribution) for c in claims} == {
        ("status", "released", "Officials"), ("role", "journalist", None), ("age", "34", None)}


def test_a_sentence_is_parsed_without_the_paragraph_break_that_ends_it(
        extractor: ClaimExtractor) -> None:
    """The parser reads a trailing paragraph break as a word of the sentence (and now and
    then misreads the words before it): the sentence is parsed without it."""
    text = "Daniel Orlov was freed by the Front in Vell.\n\nHe is now in Caldera."
    doc = extractor.nlp(text, disable=["parser"])
    cands = extractor.candidates(doc, spans(text, ["Daniel Orlov"]), [])
    assert [c.text for c in cands] == ["Daniel Orlov was freed by the Front in Vell.",
                                       "He is now in Caldera."]


def test_a_role_word_tagged_person_is_nobody_else(extractor: ClaimExtractor) -> None:
    """The small model now and then calls "Marine" a person: a role word is no one."""
    text = "Daniel Orlov is a Vell native and former Marine who was captured in Caldera."
    ner = extractor.nlp(text, disable=["parser"])
    first = text.index("Marine")
    got = extractor.extract(ner, spans(text, ["Daniel Orlov"]), [(first, first + 6)],
                            PUBLISHED)
    assert ("role", "former_military") in pairs(got)


def test_a_place_the_article_knows_is_no_person_in_its_sentence(
        extractor: ClaimExtractor) -> None:
    """The sentence's own parse may call a town a person; the article's entities (read
    over all its mentions) say it is a place, and the claim reads them."""
    text = "His body was recovered in the tunnels under Dorva."
    article = extractor.nlp.make_doc(text)
    dorva = article.char_span(text.index("Dorva"), len(text) - 1)
    article.ents = [Span(article, dorva.start, dorva.end, label="GPE")]
    sentence = extractor.nlp(text)
    sentence.ents = [Span(sentence, dorva.start, dorva.end, label="PERSON")]
    relabelled = _places_of_article(article[:], sentence)
    assert [(e.text, e.label_) for e in relabelled.ents] == [("Dorva", "GPE")]
    assert [e.label_ for e in sentence.ents] == ["PERSON"]  # the shared parse is untouched
