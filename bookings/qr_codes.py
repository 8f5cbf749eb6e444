"""QR codes of private links, drawn here as inline SVG: no image is fetched from anywhere."""

import segno
from django.utils.safestring import SafeString, mark_safe

# One of the eight mask patterns, chosen here instead of by segno's evaluation of all eight:
# the evaluation (pure Python, scoring each pattern's penalties) was 80 % of the code's cost,
# 9 of 11 ms on every confirmation and private booking page (bench, issue 20). The standard
# lets an encoder use any mask and every reader decodes all of them; the evaluation only
# prefers the one with the fewest runs and blocks.
MASK = 1


def qr_code_svg(url: str, *, label: str) -> SafeString:
    """The QR code of `url` as an inline SVG image whose accessible name is `label`.

    Error correction M survives a crumpled or smudged printout; the four-module quiet zone
    that readers need is part of the picture, so it prints right on any background.
    """
    code = segno.make(url, error="m", micro=False, boost_error=False, mask=MASK)
    svg = code.svg_inline(
        border=4, omitsize=True, svgclass="qr-code", lineclass=None, light="#fff", title=label
    )
    # Safe: segno escapes the title, and the address is only in the drawing, never as text.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))
