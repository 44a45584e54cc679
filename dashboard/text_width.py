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

_ASCII: Final = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)


def _table(text: str, weight: int) -> dict[str, int]:
    """One weight's widths from `_WIDTHS`: "regular/bold" for each character of `_ASCII`, in order."""
    return {ch: int(pair.split("/")[weight]) for ch, pair in zip(_ASCII, text.split(), strict=True)}


_WIDTHS: Final = """
    278/278 278/333 355/474 556/556 556/556 889/889 667/722 191/238 333/333 333/333 389/389 584/584
    278/278 333/333 278/278 278/278 556/556 556/556 556/556 556/556 556/556 556/556 556/556 556/556
    556/556 556/556 278/333 278/333 584/584 584/584 584/584 556/611 1015/975 667/722 667/722 722/722
    722/722 667/667 611/611 778/778 722/722 278/278 500/556 667/722 556/611 833/833 722/722 778/778
    667/667 778/778 722/722 667/667 611/611 722/722 667/667 944/944 667/667 667/667 611/611 278/333
    278/278 278/333 469/584 556/556 333/333 556/556 556/611 500/556 556/611 556/556 278/333 556/611
    556/611 222/278 222/278 500/556 222/278 833/889 556/611 556/611 556/611 556/611 333/389 500/556
    278/333 556/611 500/556 722/778 500/556 500/556 500/500 334/389 260/280 334/389 584/584
"""
_REGULAR: Final = _table(_WIDTHS, 0)
_BOLD: Final = _table(_WIDTHS, 1)
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
