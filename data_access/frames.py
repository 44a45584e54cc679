"""Small pandas helpers the layers share."""

from __future__ import annotations

import pandas as pd


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """`keys.map(mapping)` that also works when `mapping` is an empty series of dates.

    pandas 3 cannot map through an empty datetime series ("Cannot cast DatetimeArray to dtype
    float64"), which is exactly what a dataset without, say, any RSP exit gives. Reindexing
    keeps the mapping's dtype and gives NaT (or NaN) for keys it does not have."""
    if mapping.index.has_duplicates:
        return keys.map(mapping)
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index, name=mapping.name)
