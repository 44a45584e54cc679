"""The aligned trajectories' line of never-in-regime trusts in the same calendar months: a dataset
small enough to work the line out by hand, for an analyst and for the public, through the page's
own callback.

| trust | type | story | sickness absence, Jan–Dec 2015 (month c = 1…12) |
| TA | acute | SMQ from March 2015 | 50 |
| TB | acute | SMQ from June 2015 | 60 |
| NC | acute | never in a regime | c |
| ND | acute | never in a regime | 10 + c |
| CP1 | acute | on the CP list only (public: never in a regime) | 100 |
| M1 | mental health | never in a regime (another type: nobody's comparator here) | 1000 |

For an analyst the comparators of an acute trust are NC and ND: their mean in calendar month c is
c + 5. TA is at month m from its entry in calendar month 3 + m, so its comparator value is 8 + m; TB's
is 11 + m. TA has values for m = −2…9 and TB for m = −5…6, so the line is 9.5 + m where both have
one, 11 + m at m = −5…−3 (TB alone) and 8 + m at m = 7…9 (TA alone). For the public CP1 is one
more trust never in a regime: the mean in month c is (2c + 110) / 3, and where both have values
the line is (119 + 2m) / 3.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from data_access import importer, queries
from tests import datasets
from tests.inprocess import answer, sign_in

CHART = "trajectories-chart.figure"
NOTE = "trajectories-note.children"
SEARCH = "?align=smq_entry&metric=sickness"

TRUSTS = """trust_code,trust_name,trust_type,region,setting,teaching,evaluation_group
TA,Ashby Hospitals NHS Trust,acute,London,urban,false,
TB,Brackley Hospitals NHS Trust,acute,London,urban,false,
NC,Corby Hospitals NHS Trust,acute,Midlands,urban,false,
ND,Daventry Hospitals NHS Trust,acute,Midlands,urban,false,
CP1,Evesham Hospitals NHS Trust,acute,Midlands,urban,false,
M1,Fenwick Mental Health NHS Trust,mental_health,Midlands,urban,false,
"""
EPISODES = """trust_code,regime,start_date,end_date,notes
TA,smq,2015-03-01,2016-03-31,
TB,smq,2015-06-01,2016-06-30,
CP1,cp,2015-01-12,2015-12-18,
"""
LEVELS = {"TA": lambda c: 50, "TB": lambda c: 60, "NC": lambda c: c, "ND": lambda c: 10 + c}
LEVELS |= {"CP1": lambda c: 100, "M1": lambda c: 1000}


def _values() -> str:
    lines = ["trust_code,metric_id,period_start,value,numerator,denominator"]
    for code, level in LEVELS.items():
        lines += [f"{code},sickness,2015-{c:02d}-01,{level(c)},," for c in range(1, 13)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def same_period_client(client, engine, tmp_path):
    files = datasets.mini() | {
        "trusts.csv": TRUSTS,
        "regime_episodes.csv": EPISODES,
        "metric_values.csv": _values(),
        "cqc_ratings.csv": "trust_code,publication_date,domain,rating\n",
        "interventions.csv": "trust_code,intervention,status,start_date,end_date,amount_gbp,partner,notes\n",
        "costs.csv": "trust_code,category,period_start,payer,amount_gbp,source,notes\n",
    }
    importer.import_directory(datasets.write(tmp_path / "same-period", files), engine)
    queries.forget_data_version()
    return client


def _numbers(array) -> np.ndarray:
    """A figure's array as numbers: plotly sends numeric arrays as typed binary."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).astype(float)
    return np.asarray(array, dtype=float)


def _line(client, search: str = SEARCH) -> tuple[str, dict[int, float]]:
    traces = answer(client, CHART, search, "/trajectories")["trajectories-chart"]["figure"]["data"]
    found = [t for t in traces if "never-in-regime" in (t.get("name") or "")]
    assert len(found) == 1, [t.get("name") for t in traces]
    x, y = _numbers(found[0]["x"]), _numbers(found[0]["y"])
    return found[0]["name"], {int(m): float(v) for m, v in zip(x, y, strict=True)}


def _note(client, search: str = SEARCH) -> str:
    return answer(client, NOTE, search, "/trajectories")["trajectories-note"]["children"]


def test_an_analyst_sees_the_mean_of_never_in_regime_trusts_in_the_same_calendar_months(same_period_client):
    sign_in(same_period_client, "analyst")
    name, line = _line(same_period_client)
    assert name == "2 never-in-regime trusts, same calendar months"
    expected = {m: 11.0 + m for m in range(-5, -2)} | {m: 9.5 + m for m in range(-2, 7)}
    expected |= {m: 8.0 + m for m in range(7, 10)}
    assert line == pytest.approx(expected)
    assert "2 trusts of the same types never in a regime" in _note(same_period_client)


def test_for_the_public_a_cp_only_trust_is_never_in_a_regime_so_the_set_reveals_nothing(
    same_period_client,
):
    name, line = _line(same_period_client)
    assert name == "3 never-in-regime trusts, same calendar months"
    for m in range(-2, 7):
        assert line[m] == pytest.approx((119 + 2 * m) / 3)
    assert line[-5] == pytest.approx((122 + 2 * -5) / 3)  # TB alone, in calendar month 1
    assert "3 trusts of the same types never in a regime" in _note(same_period_client)


def test_the_line_can_be_hidden_and_is_not_drawn_on_the_calendar_axis(same_period_client):
    for search in (SEARCH + "&same_period=off", "?metric=sickness"):
        traces = answer(same_period_client, CHART, search, "/trajectories")["trajectories-chart"]["figure"]
        assert not any("never-in-regime" in (t.get("name") or "") for t in traces["data"]), search
        assert "never in a regime" not in _note(same_period_client, search)
