"""dashboard.text_width: label widths in the charts' font, as Arial (and its metric twins) draw them."""

from __future__ import annotations

import pytest

from dashboard.text_width import text_width


def test_widths_follow_the_font_metrics():
    # N, H and S at 722, 722 and 667 thousandths of the size
    assert text_width("NHS", 12) == pytest.approx((722 + 722 + 667) * 12 / 1000)
    assert text_width("", 12) == 0
    assert text_width("iiii", 12) < text_width("MMMM", 12)
    assert text_width("Trust", 24) == pytest.approx(2 * text_width("Trust", 12))


def test_markup_draws_nothing_and_bold_runs_wider():
    assert text_width("<b>Clear improvers · 12 trusts</b>", 12) > text_width(
        "Clear improvers · 12 trusts", 12
    )
    assert text_width("<i>x</i>", 12) == text_width("x", 12)
    assert text_width("a<br>b", 12) == text_width("ab", 12)


def test_accents_count_as_their_letter_and_unknown_characters_as_the_widest():
    assert text_width("Hôpital", 12) == text_width("Hopital", 12)
    assert text_width("字", 12) >= text_width("W", 12)
