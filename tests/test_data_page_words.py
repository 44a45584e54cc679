"""The /data page states the rules the numbers follow, in words."""

from __future__ import annotations

from data_access.vocab import SPELL_GAP_DAYS
from tests.inprocess import callback_answers


def test_the_data_page_states_the_spell_rule_and_what_trusts_csv_may_leave_out(mini_client):
    answers = callback_answers(mini_client, [""], ["/data"])
    page = [
        body for output, _, status, body in answers if "page-content.children" in output and status == 200
    ]
    assert page, "the router did not answer for /data"
    text = page[0]
    assert f"within {SPELL_GAP_DAYS} days" in text and "continues the same spell" in text
    assert "trusts.csv too when every trust the other files name is already loaded" in text
