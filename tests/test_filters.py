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


def test_icb_and_cohort_round_trip_and_one_spelling_one_key():
    known = KnownValues(icbs=frozenset({"QWE", "QRT"}), first_date=date(2013, 1, 1))
    filters, notices = Filters.from_query("icb=qwe,QRT&entered=2016,2015&exited=2019&cohort=SMQ", known)
    assert notices == []
    assert filters.icbs == ("QWE", "QRT") and filters.entered == ("2016", "2015")
    assert filters.cohort_event == "smq"
    assert Filters.from_query(filters.to_query(), known)[0] == filters
    other, _ = Filters.from_query("cohort=smq&exited=2019&entered=2015&entered=2016&icb=QRT&icb=QWE", known)
    assert other.cache_key() == filters.cache_key()
    # The default cohort is not written out.
    assert Filters.from_query("entered=2016&cohort=support")[0].to_query() == "entered=2016"


def test_dates_are_clipped_to_the_data_and_to_2030():
    known = KnownValues(first_date=date(2013, 7, 1))
    filters, notices = Filters.from_query("from=2001-01-01&to=2040-05-05", known)
    assert (filters.date_from, filters.date_to) == (date(2013, 7, 1), date(2030, 12, 31))
    assert len(notices) == 2 and all(n.startswith("Clipped") for n in notices)
