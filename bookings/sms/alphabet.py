"""What a text message costs: its alphabet (GSM-7 or UCS-2) and its number of parts.

Written from GSM 03.38 (3GPP TS 23.038), the 7-bit default alphabet: a message whose every
character is in the basic table, or in the extension table reached by an escape (those count
two septets each), is sent in GSM-7: 160 septets in one part, 153 in each part of a longer one
(the rest of each part carries the header that joins them). Any other character, one emoji
or one "š", turns the whole message into UCS-2 (UTF-16 code units): 70 in one part, 67 in each
part of a longer one. A part never splits an escape and its character, nor the two halves of
an emoji, so such a character at a part's edge moves whole into the next part.

Gateways and operators charge per part, and libraries have a monthly cap of parts.
"""

from dataclasses import dataclass
from typing import Literal

__all__ = ["GSM7", "UCS2", "SmsSize", "gsm7_text", "is_gsm7", "measure"]

GSM7: Literal["GSM-7"] = "GSM-7"
UCS2: Literal["UCS-2"] = "UCS-2"

# The basic table, in code order 0x00-0x7F; 0x1B (the escape to the extension table) is left
# out, as it is no character of its own. Finnish and Swedish ä ö å Ä Ö Å are all here.
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" + "ÆæßÉ"  # 0x00-0x1F (0x1B, the escape, left out)
    " !\"#¤%&'()*+,-./0123456789:;<=>?"  # 0x20-0x3F
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"  # 0x40-0x5F
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"  # 0x60-0x7F
)
# The extension table: each is sent as the escape and a code, two septets. The form feed
# (0x1B 0x0A) is one of them, a page break.
_EXTENSION = "\f^{}\\[~]|€"

BASIC = frozenset(_BASIC)
EXTENSION = frozenset(_EXTENSION)

GSM7_SINGLE, GSM7_CONCATENATED = 160, 153
UCS2_SINGLE, UCS2_CONCATENATED = 70, 67

# Characters that content (a library's or guide's name, a place, a template) may hold and that
# have a plain GSM-7 look-alike: without this, one en dash makes the whole message UCS-2, with
# less than half the characters per part.
_LOOK_ALIKES = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, the apostrophe of word processors
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent used as an apostrophe
        "`": "'",  # grave accent used as an apostrophe
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark, also the Finnish and Swedish opening one
        "\u201e": '"',  # double low-9 quotation mark
        "\u201f": '"',  # double high-reversed-9 quotation mark
        "\u2033": '"',  # double prime
        "\u00ab": '"',  # left-pointing double angle quotation mark
        "\u00bb": '"',  # right-pointing double angle quotation mark, used in Finnish and Swedish
        "\u2026": "...",  # horizontal ellipsis
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\t": " ",
        "\u00ad": None,  # soft hyphen: invisible unless a line breaks there
        "\u200b": None,  # zero-width space
        "\u2060": None,  # word joiner
        "\ufeff": None,  # zero-width no-break space (a byte-order mark)
    }
)


@dataclass(frozen=True)
class SmsSize:
    """A message's alphabet, its length in that alphabet's units (septets for GSM-7, UTF-16
    code units for UCS-2), and the parts it is sent in (and paid for)."""

    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    parts: int


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM-7 basic or extension table."""
    return all(char in BASIC or char in EXTENSION for char in text)


def measure(text: str) -> SmsSize:
    """The encoding and the number of parts `text` is sent in. The empty text is one part."""
    if is_gsm7(text):
        widths = [2 if char in EXTENSION else 1 for char in text]
        return SmsSize(GSM7, sum(widths), _parts(widths, GSM7_SINGLE, GSM7_CONCATENATED))
    # UTF-16: a character outside the Basic Multilingual Plane (most emoji) is a surrogate pair.
    widths = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsSize(UCS2, sum(widths), _parts(widths, UCS2_SINGLE, UCS2_CONCATENATED))


def _parts(widths: list[int], single: int, per_part: int) -> int:
    """Parts needed for characters of these widths: one if all fit in `single`; else parts of
    at most `per_part` units each, a character never split between two parts."""
    if sum(widths) <= single:
        return 1
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts


def gsm7_text(text: str) -> str:
    """`text` with its common typographic characters (dashes, curly quotes, the ellipsis,
    no-break and thin spaces) replaced by their GSM-7 look-alikes. Letters are left as they
    are: "š" stays "š" (and the message UCS-2) rather than misspelling a name."""
    return text.translate(_LOOK_ALIKES)
