"""Reading back the QR codes we draw: the dark modules of an SVG from `bookings.qr_codes`."""

import re

import segno

from bookings.qr_codes import MASK

PATH = re.compile(r'<path stroke="#000" d="([^"]+)"')


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """(row, column) of each dark module the SVG draws, quiet zone included. segno draws each
    row's dark runs as horizontal strokes along the row's middle: M/m move, h draws."""
    dark, x, y = set(), 0.0, 0.0
    for command, arguments in re.findall(r"([A-Za-z])([^A-Za-z]*)", PATH.search(svg)[1]):
        numbers = [float(n) for n in arguments.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            dark.update((int(y), int(x) + step) for step in range(int(numbers[0])))
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {command}")
    return dark


def modules_of(url: str, *, border: int = 4) -> set[tuple[int, int]]:
    """The dark modules of the QR code (error correction M, our mask) that encodes `url`."""
    matrix = segno.make(url, error="m", micro=False, boost_error=False, mask=MASK).matrix
    return {
        (row + border, column + border)
        for row, values in enumerate(matrix)
        for column, value in enumerate(values)
        if value
    }


def encodes(svg: str, url: str) -> bool:
    return dark_modules(svg) == modules_of(url)


def qr_codes_in(html: str) -> list[str]:
    return re.findall(r'<svg role="img".*?</svg>', html, flags=re.DOTALL)
