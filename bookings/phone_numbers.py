"""Phone numbers: stored in E.164 (+358401234567), read as people write them (040 123 4567).

One home for what a number is: how a typed number is read, whether it can receive text
messages, how it is shown, and how a number typed into a search box is matched.
"""

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

HOME_REGION = "FI"
HOME_COUNTRY_CODE = 358
# A number of these types can receive text messages; FIXED_LINE_OR_MOBILE is what numbering
# plans that do not tell the two apart (the United States, for one) give for every number.
TEXTABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(raw: str) -> PhoneNumber | None:
    """The number a person typed, read as Finnish unless it starts with a country code."""
    try:
        return phonenumbers.parse(raw, HOME_REGION)
    except NumberParseException:
        return None


def phone_e164(raw: str) -> str | None:
    """A real number (one the numbering plan knows) in E.164 form, or None."""
    number = _parse(raw)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def can_receive_texts(e164: str) -> bool:
    """Whether a stored number is a mobile one: a landline never gets the text message."""
    number = _parse(e164)
    return number is not None and phonenumbers.number_type(number) in TEXTABLE_TYPES


def phone_search_term(term: str) -> str | None:
    """A search typed as a phone number (`040 123 4567`, `0401234567`, `+358 40…`) as the
    E.164 form it is stored in, or None when the term is not a number at all."""
    if any(char.isalpha() for char in term) or sum(char.isdigit() for char in term) < 5:
        return None  # a name, or too little of a number to mean one
    number = _parse(term)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_as_written(stored: str) -> str:
    """A stored number as people write it: `040 123 4567` for a Finnish number, the
    international form (`+46 70 123 45 67`) for a foreign one. Anything that is not an E.164
    number (a library's number as staff typed it, an empty field) is shown as it is."""
    if not stored.startswith("+"):
        return stored
    number = _parse(stored)
    if number is None or not phonenumbers.is_valid_number(number):
        return stored  # as saved before numbers were checked: staff see what is there
    if number.country_code != HOME_COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    # The library's own national form splits off the area or network code ("040 1234567");
    # Finns group the rest too, as in the examples the forms give.
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    prefix, _space, rest = national.partition(" ")
    digits = "".join(char for char in rest if char.isdigit())
    if not digits:
        return national
    return f"{prefix} {_grouped(digits)}"


def _grouped(digits: str) -> str:
    """`1234567` as `123 4567`, `12345678` as `1234 5678`, others in threes from the end."""
    if len(digits) <= 4:
        return digits
    if len(digits) in (7, 8):
        return f"{digits[:-4]} {digits[-4:]}"
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return " ".join(groups)
