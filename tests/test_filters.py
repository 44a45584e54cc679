"""Filter state ⇄ URL query string (§4)."""

from __future__ import annotations

from datetime import date

from data_access.filters import Filters, KnownValues

KNOWN = KnownValues(
    regions=frozenset({"London", "North West"}), trusts=frozenset({"RAA"}), metrics=frozenset({"ae_4hr"})
)


def test_round_trip():
    query = "type=acute&type=mental_health&group=clear_improver&region=London&regime=smq&trust=RAA&metric=ae_4hr&from=2015-01-01&to=2018-12-31&align=smq_entry"
    filters, notices = Filters.from_query(query, KNOWN)
    assert notices == []
    assert filters.types == ("acute", "mental_health")
    assert filters.date_from == date(2015, 1, 1)
    again, _ = Filters.from_query(filters.to_query(), KNOWN)
    assert again == filters


def test_comma_separated_and_case_insensitive():
    filters, notices = Filters.from_query("type=Acute,community&region=london&trust=raa", KNOWN)
    assert filters.types == ("acute", "community")
    assert filters.regions == ("London",)
    assert filters.trusts == ("RAA",)
    assert notices == []


def test_bad_values_are_dropped_with_a_notice():
    filters, notices = Filters.from_query(
        "type=hospital&group=winners&from=2015-99-01&to=2014-01-01&align=sideways&region=Atlantis&trust=NOPE&metric=x&colour=red",
        KNOWN,
    )
    assert filters == Filters(date_to=date(2014, 1, 1))
    assert len(notices) == 8  # the 'to' date stays: the bad 'from' was dropped
    assert any("hospital" in n for n in notices)


def test_to_before_from_is_dropped():
    filters, notices = Filters.from_query("from=2016-01-01&to=2015-01-01")
    assert filters.date_from == date(2016, 1, 1) and filters.date_to is None
    assert notices


def test_empty_query_is_default():
    assert Filters.from_query("")[0] == Filters()
    assert Filters().to_query() == ""
