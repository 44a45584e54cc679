"""How wide a label draws in the charts' font, worked out without a browser.

A chart that sizes a margin to its labels with Plotly's `automargin` measures every label in the
browser and then draws itself a second time; with a hundred trust names on an axis that is most
of the time to a drawn chart. Knowing the widths here, the figure comes with its margin set.

The charts' font is Arial (`theme.FONT_FAMILY`), and where Arial is missing its metric twins
(Liberation Sans, Helvetica, Arimo) draw every character at the same width. The widths below
are those of Adobe's published font metrics for Helvetica and Helvetica Bold, in thousandths of
the font size.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_REGULAR: Final = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
        + (556,) * 10
        + (278, 278, 584, 584, 584, 556, 1015)
        + (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833)
        + (722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)
        + (278, 278, 278, 469, 556, 333)
        + (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833)
        + (556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500)
        + (334, 260, 334, 584),
        strict=True,
    )
)
_BOLD: Final = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278)
        + (556,) * 10
        + (333, 333, 584, 584, 584, 611, 975)
        + (722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833)
        + (722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)
        + (333, 278, 333, 584, 556, 333)
        + (556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889)
        + (611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500)
        + (389, 280, 389, 584),
        strict=True,
    )
)
# Typographic characters the labels use, the same in both weights.
_OTHERS: Final = {"…": 1000, "·": 278, "–": 556, "—": 1000, "’": 278, "‘": 278, "£": 556}
_WIDEST: Final = 1015  # a character not in the tables: never narrower than it may draw
_TAG = re.compile(r"<[^>]*>")
_BOLD_RUN = re.compile(r"<b>(.*?)</b>", re.IGNORECASE | re.DOTALL)


def _char_width(ch: str, widths: dict[str, int]) -> int:
    if ch in widths:
        return widths[ch]
    if ch in _OTHERS:
        return _OTHERS[ch]
    base = unicodedata.normalize("NFKD", ch)[:1]  # é as e: accents do not widen a letter
    return widths.get(base, _WIDEST)


def text_width(text: str, size: float) -> float:
    """The width in pixels of `text` (Plotly's label markup: `<b>` runs bold, other tags drawn
    as nothing) at `size` px."""
    total = 0
    position = 0
    for match in _BOLD_RUN.finditer(text):
        total += sum(_char_width(c, _REGULAR) for c in _TAG.sub("", text[position : match.start()]))
        total += sum(_char_width(c, _BOLD) for c in _TAG.sub("", match.group(1)))
        position = match.end()
    total += sum(_char_width(c, _REGULAR) for c in _TAG.sub("", text[position:]))
    return total * size / 1000
