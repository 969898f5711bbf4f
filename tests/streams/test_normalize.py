import pytest

from streams.normalize import has_text, normalize


def test_quotes_dashes_and_whitespace_fold():
    assert normalize("“Move now,”  she said\u00a0— twice.\n\n\n  Next\tline ") == (
        '"Move now," she said - twice.\n\nNext line')


def test_dateline_and_agency_prefix_are_removed():
    assert normalize("KYIV, March 3 (Northwire) - Talks resumed.") == "Talks resumed."
    assert normalize("BERLIN — Talks resumed.") == "Talks resumed."
    assert normalize("PORT ALDER (Harbourwire) - Talks resumed.") == "Talks resumed."
    assert normalize("(Eastpost) - Talks resumed.") == "Talks resumed."


def test_dateline_is_only_taken_from_the_start():
    text = "Talks resumed.\n\nOSLO - a later line stays."
    assert normalize(text) == text


def test_boilerplate_lines_go_and_the_story_stays():
    body = ("By Anna Lee and Tom Bex, Northwire\n\nThe council met on Monday.\n\n"
            "Share this article\nShare on Facebook | Twitter\n\nRelated: Earlier floods\n\n"
            "Advertisement\n\nThe vote was close.\n\n(c) Northwire 2026. All rights reserved.\n"
            "Reporting by Lena Maro; Editing by Piet Dols\n\n12 comments\n\nTags: floods, Selva")
    assert normalize(body) == "The council met on Monday.\n\nThe vote was close."


def test_sentences_that_look_like_boilerplate_are_kept():
    body = "By the end of the week the river had fallen.\n\nShare prices fell on Monday."
    assert normalize(body) == body


def test_nothing_left_is_empty():
    assert normalize("Share this article\n\nAdvertisement") == ""
    assert normalize("   ") == ""


def test_page_furniture_and_aggregator_disclaimers_are_dropped():
    text = ("Home | World | Europe\n\nFloods cut off villages\n\n  \u2022 By Anna Lee\n\n"
            "Image source, Northwire\n\nFebruary 22, 2026\n\nRescue teams reached four "
            "villages by boat.\n\nSOURCE: Northwire\n\nDisclaimer: This story is "
            "auto-generated from a syndicated news feed and has not been edited by our staff.")
    assert normalize(text) == (
        "Floods cut off villages\n\nRescue teams reached four villages by boat.")


def test_a_short_line_naming_a_person_is_not_furniture():
    text = "World\n\nDaniel Orlov\n\nThe photo shows Orlov in March 2026."
    assert normalize(text) == "Daniel Orlov\n\nThe photo shows Orlov in March 2026."
@pytest.mark.parametrize("body", [
    "\u200f\u200e\u202b\u202c",           # bidi marks and embeddings
    "\u200b\u2060\ufeff\u00ad",           # zero-width space, word joiner, BOM, soft hyphen
    "\u3000\u2028\t\x0b\x1c",            # ideographic space, line separator, controls
    "\U0001F525\U0001F4F0\u2764\ufe0f \u2605 !!! ... -- ##",  # emoji, symbols, punctuation
])
def test_a_body_without_letter_or_digit_has_no_text(body):
    assert not has_text(body)
    assert not has_text(normalize(body))


@pytest.mark.parametrize("body", ["\u200fA", "\U0001F525 7", "\ufeffЖить", "記"])
def test_one_letter_or_digit_is_text(body):
    assert has_text(body) and has_text(normalize(body))


def test_what_boilerplate_removal_leaves_may_be_no_text():
    """Why ingest checks ``has_text`` after normalising, not only that text is left."""
    text = normalize("Share this article\n\n\U0001F525\U0001F525 \u200f")
    assert text and not has_text(text)


def test_a_full_stop_that_lost_its_space_splits_sentences_again() -> None:
    text = "He was seized in 2012.The search goes on. The U.S.Army and Mr.Orlov at www.x.com."
    assert normalize(text) == ("He was seized in 2012. The search goes on. "
                               "The U.S.Army and Mr.Orlov at www.x.com.")


def test_a_heading_line_is_a_paragraph_of_its_own() -> None:
    """A headline, subhead or caption on its own line would join the next sentence; a
    line that breaks inside a sentence still joins it."""
    text = ("Front frees three hostages\nTomas Varga released from Vell\nThe Front freed "
            "three hostages on Thursday.")
    assert normalize(text) == ("Front frees three hostages\n\nTomas Varga released from "
                               "Vell\n\nThe Front freed three hostages on Thursday.")
    wrapped = "Daniel Orlov was kidnapped by\nHamas on Monday and moved to\nVell, they said."
    assert normalize(wrapped) == ("Daniel Orlov was kidnapped by Hamas on Monday and moved "
                                  "to Vell, they said.")


def test_two_words_glued_by_the_page_are_split() -> None:
    assert normalize("A photo of Tomas Goldberg-VargaFront fighters") == (
        "A photo of Tomas Goldberg-Varga Front fighters")
    assert normalize("McDonald and MacArthur on YouTube") == "McDonald and MacArthur on YouTube"
