"""A trust on the CP list that later enters the RSP, seen by an analyst and by the public."""

from __future__ import annotations

import pandas as pd

from dashboard.alignment import months_from_event
from data_access import importer, queries
from data_access.filters import Filters
from data_access.viewer import EVERYTHING, PUBLIC
from tests import datasets

FILES = {
    "trusts.csv": "trust_code,trust_name,trust_type,region\n"
    "RCP,Cpline Hospitals NHS Trust,acute,London\n"
    "RNV,Neverfield Hospitals NHS Trust,acute,London\n",
    "regime_episodes.csv": "trust_code,regime,start_date,end_date\n"
    "RCP,cp,2019-01-01,2021-06-30\n"
    "RCP,rsp,2022-03-15,\n",
    "metrics.csv": "metric_id,name,unit,higher_is_better\nm,Metric,percent,true\n",
    "metric_values.csv": "trust_code,metric_id,period_start,value\nRCP,m,2022-01-01,50\nRCP,m,2022-05-01,52\n",
    "dataset.csv": "name,synthetic,as_of\nRSP by role,true,2024-01-01\n",
}


def test_a_cp_trust_that_enters_the_rsp_is_cp_to_smq_for_an_analyst_and_other_smq_for_the_public(
    engine, tmp_path
):
    importer.import_directory(datasets.write(tmp_path / "files", FILES), engine)
    queries.forget_data_version()
    analyst = queries.trusts(EVERYTHING).set_index("trust_code")
    public = queries.trusts(PUBLIC).set_index("trust_code")
    assert analyst.loc["RCP", "evaluation_group"] == "cp_to_smq"
    assert public.loc["RCP", "evaluation_group"] == "other_smq"
    assert analyst.loc["RCP", "current_regime"] == public.loc["RCP", "current_regime"] == "rsp"
    # regime=rsp picks the trust for both; the public sees no CP episode of it.
    assert queries.trust_codes(PUBLIC, Filters(regimes=("rsp",))) == ["RCP"]
    assert set(queries.episodes(PUBLIC, Filters(trusts=("RCP",)))["regime"]) == {"rsp"}
    # Months from RSP entry (March 2022): January is -2, May is +2, for everyone.
    values = queries.metric_values(PUBLIC, Filters(), ("m",))
    months = months_from_event(values, queries.trusts(PUBLIC), "rsp_entry")
    assert sorted(months.dropna().astype(int).tolist()) == [-2, 2]
    support = months_from_event(values, queries.trusts(PUBLIC), "support_entry")
    assert sorted(support.dropna().astype(int).tolist()) == [-2, 2]
    assert pd.isna(months_from_event(values, queries.trusts(PUBLIC), "cp_entry")).all()
