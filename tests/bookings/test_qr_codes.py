"""The QR code of a private link: drawn on the server as inline SVG, no other host asked."""

from bookings.qr_codes import qr_code_svg
from tests.qr_decoding import dark_modules, encodes, modules_of

LINK = "https://varaa.example.fi/booking/" + "a1B2c3D4" * 5 + "xyz/"


def test_the_code_draws_the_link_it_is_given():
    svg = qr_code_svg(LINK, label="QR")

    assert encodes(svg, LINK)
    assert not encodes(svg, LINK.replace("xyz", "xyZ"))  # one letter apart: another picture
    assert len(dark_modules(svg)) > 500  # a real code, not an empty frame


def test_it_keeps_the_quiet_zone_that_phone_cameras_need():
    svg = qr_code_svg(LINK, label="QR")

    size = int(svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])
    rows = {row for row, _column in modules_of(LINK)}
    assert min(rows) == 4 and size - 1 - max(rows) == 4


def test_it_is_an_image_named_for_screen_readers_with_the_name_escaped():
    svg = qr_code_svg(LINK, label='Code <b>"1"</b> & more')

    assert svg.startswith('<svg role="img" viewBox=')
    assert '<title>Code &lt;b&gt;"1"&lt;/b&gt; &amp; more</title>' in svg
    assert "<b>" not in svg and "href" not in svg and "http" not in svg
