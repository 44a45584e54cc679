"""data_access.frames.isin answers as pandas' isin does, whatever it is given."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.frames import isin

CODES = st.sampled_from(["RAA", "RBB", "RCC", "R1F", "", "ŘÉ"])


@given(
    column=st.lists(st.one_of(CODES, st.none()), max_size=30),
    values=st.lists(st.one_of(CODES, st.none()), max_size=10),
    given_as=st.sampled_from(["tuple", "set", "series", "index", "array", "object series"]),
)
def test_isin_matches_pandas(column, values, given_as):
    text = pd.Series(column, dtype="str")
    wanted = {
        "tuple": tuple(values),
        "set": set(values),
        "series": pd.Series(values, dtype="str"),
        "index": pd.Index(values, dtype="str"),
        "array": pd.Series(values, dtype="str").unique(),
        "object series": pd.Series(values, dtype=object),
    }[given_as]
    expected = text.isin(list(wanted) if given_as == "set" else wanted).to_numpy(dtype=bool)
    found = isin(text, wanted)
    assert found.dtype == bool and found.shape == (len(column),)
    assert found.flags.writeable  # callers narrow it in place (keep &= ...)
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize(
    "column", [pd.Series([1, 2, 3]), pd.Series(["a", "b", None], dtype=object), pd.Index(["a", "b", "c"])]
)
def test_isin_other_columns_as_pandas(column):
    found = isin(column, ["a", 2])
    np.testing.assert_array_equal(found, np.asarray(column.isin(["a", 2]), dtype=bool))
    found &= False  # writable, whatever pandas hands out


def test_isin_of_nothing_is_all_false():
    assert not isin(pd.Series(["RAA", "RBB"], dtype="str"), ()).any()
    assert isin(pd.Series([], dtype="str"), ("RAA",)).shape == (0,)
