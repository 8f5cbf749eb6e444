"""What a text message costs: GSM-7 or UCS-2, and how many parts (GSM 03.38)."""

import string

import pytest

from bookings.sms.alphabet import (
    _LOOK_ALIKES,
    GSM7,
    UCS2,
    SmsSize,
    gsm7_text,
    is_gsm7,
    measure,
)


def test_a_gsm7_message_of_160_characters_is_one_part_and_161_is_two():
    assert measure("a" * 160) == SmsSize(GSM7, 160, 1)
    assert measure("a" * 161) == SmsSize(GSM7, 161, 2)


def test_a_longer_gsm7_message_is_sent_in_parts_of_153():
    assert measure("a" * 153 * 2).parts == 2
    assert measure("a" * (153 * 2 + 1)).parts == 3
    assert measure("a" * 153 * 3).parts == 3


def test_an_extension_character_counts_two_septets():
    assert measure("€") == SmsSize(GSM7, 2, 1)
    assert measure("a" * 158 + "€") == SmsSize(GSM7, 160, 1)
    assert measure("a" * 159 + "€") == SmsSize(GSM7, 161, 2)


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_every_extension_character_counts_two(char):
    assert measure(char).units == 2 and is_gsm7(char)


def test_an_extension_character_is_never_split_between_two_parts():
    """152 septets, then the escape and its code: they do not fit in the 153 left, so both
    move to the second part, and the 306 septets need a third."""
    text = "a" * 152 + "€" + "a" * 152
    assert measure(text) == SmsSize(GSM7, 306, 3)
    assert measure("a" * 151 + "€" + "a" * 153).parts == 2  # the same length, no split needed


def test_finnish_and_swedish_letters_are_in_gsm7():
    assert measure("äöåÄÖÅ") == SmsSize(GSM7, 6, 1)
    assert measure("Påminnelse: digistöd i morgon, Äänekoski, Åbo" * 3 + "a" * 22).parts == 1


@pytest.mark.parametrize("char", ["š", "ž", "Š", "Ž"])
def test_letters_outside_gsm7_make_the_message_ucs2(char):
    assert not is_gsm7(char)
    assert measure("a" * 69 + char) == SmsSize(UCS2, 70, 1)
    assert measure("a" * 70 + char) == SmsSize(UCS2, 71, 2)


def test_one_emoji_turns_the_message_ucs2_and_counts_two_units():
    assert measure("a" * 100) == SmsSize(GSM7, 100, 1)
    assert measure("a" * 99 + "🙂") == SmsSize(UCS2, 101, 2)
    assert measure("a" * 68 + "🙂") == SmsSize(UCS2, 70, 1)


def test_a_longer_ucs2_message_is_sent_in_parts_of_67():
    assert measure("š" * 67 * 2).parts == 2
    assert measure("š" * (67 * 2 + 1)).parts == 3


def test_an_emoji_is_never_split_between_two_parts():
    assert measure("š" * 66 + "🙂" + "š" * 66) == SmsSize(UCS2, 134, 3)
    assert measure("š" * 65 + "🙂" + "š" * 67) == SmsSize(UCS2, 134, 2)


def test_the_tables_are_those_of_gsm_03_38():
    # Every printable ASCII character but the grave accent, as in the basic and extension
    # tables; the escape is no character of its own.
    assert [c for c in string.printable if not is_gsm7(c)] == ["`", "\t", "\x0b"]
    assert is_gsm7("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡¿ÄÖÑÜ§äöñüà\n\r")
    assert not is_gsm7("\x1b")
    assert not is_gsm7("–")  # the en dash that made every confirmation four parts


def test_common_typography_becomes_its_gsm7_look_alike():
    assert gsm7_text("10.00–10.30 — ”Ryhmätila 2” ‘A’ “B” „C” «D» odota…") == (
        '10.00-10.30 - "Ryhmätila 2" \'A\' "B" "C" "D" odota...'
    )
    assert gsm7_text("klo\u00a010.00\u202fja\u2009tänään, kirja\u00adsto") == (
        "klo 10.00 ja tänään, kirjasto"
    )


def test_what_has_no_look_alike_is_left_as_it_is():
    assert gsm7_text("Šakki ja žetoni 🙂") == "Šakki ja žetoni 🙂"


def test_only_characters_outside_gsm7_are_mapped_and_each_to_gsm7():
    mapped = [chr(code) for code in _LOOK_ALIKES]
    assert [char for char in mapped if is_gsm7(char)] == []
    assert all(is_gsm7(gsm7_text(char)) for char in mapped)
