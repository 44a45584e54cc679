"""The evaluation groups page: sizes, time in regime, uptake like Table 3 and costs beside
consequences, each group linking to its views; titles that say what is shown."""

from __future__ import annotations

import json

from tests.inprocess import answer, sign_in


def groups_answer(client, search: str = "") -> dict:
    return answer(client, "groups-sizes.children", search, "/groups")


def text_of(component) -> str:
    return json.dumps(component, ensure_ascii=False)


def test_the_groups_side_by_side_for_an_analyst(mini_client):
    sign_in(mini_client, "analyst")
    response = groups_answer(mini_client)
    assert response["groups-heading"]["children"] == "National picture"
    sizes = text_of(response["groups-sizes"]["children"])
    # Two prolonged poor performers (RAA, RGG), one trust in each other group.
    assert "Prolonged poor performers" in sizes and "Challenged providers only" in sizes
    assert '"2"' in sizes
    # RGG left SMQ twice and re-entered once; RAA left once: both left, one of two re-entered.
    assert "2 of 2 (100%)" in sizes and "1 of 2 (50%)" in sizes
    assert "/interventions?group=prolonged_poor_performer" in sizes
    uptake = text_of(response["groups-uptake"]["children"])
    # Improvement directors: RAA and RGG (2 of 2 prolonged), RCC (1 of 1 CP then SMQ).
    assert "Improvement Director" in uptake or "Improvement director" in uptake
    assert "2 of 2 (100%)" in uptake and "1 of 1 (100%)" in uptake
    costs = text_of(response["groups-costs"]["children"])
    # RAA £20,000 and RGG £80,000 + £21,000 (CP-dated cost included for an analyst).
    assert "£121,000" in costs


def test_the_public_sees_no_cp_group_and_a_title_for_a_filtered_set(mini_client):
    response = groups_answer(mini_client, "?type=acute")
    assert response["groups-heading"]["children"] == "Picture for 3 acute trusts"
    whole = text_of(response)
    assert "Challenged providers" not in whole and "cp_only" not in whole and "cp_to_smq" not in whole
    # Links keep the other filters and set the group.
    assert "/costs?type=acute&group=prolonged_poor_performer" in whole


def test_the_overview_title_says_national_only_when_unfiltered(mini_client):
    national = answer(mini_client, "overview-picture-title.children", "", "/")
    assert national["overview-picture-title"]["children"] == "National picture"
    narrowed = answer(mini_client, "overview-picture-title.children", "?region=London", "/")
    assert narrowed["overview-picture-title"]["children"] == "Picture for 2 trusts"
    dated = answer(mini_client, "overview-picture-title.children", "?from=2015-01-01", "/")
    assert dated["overview-picture-title"]["children"] == "National picture"
