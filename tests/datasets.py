"""Small named datasets built in code (CP dates are mid-month so they never look like a
month on an axis: a leak test can search answers for them), so tests read as stories and never depend on the demo.

`mini()` has one trust per evaluation group and the CP edge cases the role rule must handle; RAA's
public rows (its SMQ episode, an intervention and a cost after entry) carry notes that name the
list, which no viewer who may not see CP information may read:

| trust | type | story | group |
| RAA | acute | SMQ 2014-01 → 2016-06 (911 days) | prolonged_poor_performer |
| RBB | acute | SMQ 2015-03 → 2016-09; inadequate → good after exit | clear_improver |
| RCC | mental_health | CP 2014-05-13 → 2015-01-27, then SMQ 2015-02 → 2016-01, still inadequate | cp_to_smq |
| RDD | community | CP 2016-01-11 → 2017-06-23 only | cp_only |
| REE | acute | SMQ 2018-01 → ongoing (545 days to as_of 2019-06-30) | other_smq |
| RFF | ambulance | nothing | never |
| RGG | acute | SMQ 2013-07 → 2014-07, CP 2015-03-09 → 2015-12-17, SMQ again 2016-01 → 2016-12 | prolonged_poor_performer |
"""

from __future__ import annotations

from pathlib import Path

TRUSTS = """trust_code,trust_name,trust_type,region,setting,teaching,evaluation_group
RAA,Alderbrook Hospitals NHS Trust,acute,London,urban,true,
RBB,Birchwell Hospitals NHS Foundation Trust,acute,Midlands,semi_urban,false,
RCC,Cedarfold Mental Health NHS Trust,mental_health,North West,urban,false,
RDD,Dunmere Community Health NHS Trust,community,South West,rural,false,
REE,Elmstead Hospitals NHS Trust,acute,London,urban,false,
RFF,Fernhallow Ambulance Service NHS Trust,ambulance,South East,rural,false,
RGG,Gorsemoor Hospitals NHS Trust,acute_and_community,Midlands,semi_urban,true,
"""

EPISODES = """trust_code,regime,start_date,end_date,notes
RAA,smq,2014-01-01,2016-06-30,came off the CP watch list (episode note)
RBB,smq,2015-03-01,2016-09-30,
RCC,cp,2014-05-13,2015-01-27,watch list
RCC,smq,2015-02-01,2016-01-31,
RDD,cp,2016-01-11,2017-06-23,watch list
REE,smq,2018-01-01,,
RGG,smq,2013-07-16,2014-07-15,first wave
RGG,cp,2015-03-09,2015-12-17,between SMQ episodes
RGG,smq,2016-01-01,2016-12-31,re-entry
"""

RATINGS = """trust_code,publication_date,domain,rating
RAA,2013-12-01,overall,inadequate
RAA,2013-12-01,well_led,inadequate
RAA,2017-02-01,overall,requires_improvement
RBB,2015-01-15,overall,inadequate
RBB,2015-01-15,well_led,inadequate
RBB,2016-03-01,overall,Requires improvement
RBB,2017-05-01,overall,good
RCC,2015-01-10,overall,inadequate
RCC,2016-06-01,overall,inadequate
RDD,2016-10-01,overall,requires_improvement
REE,2017-11-20,overall,inadequate
RFF,2016-04-01,overall,good
RGG,2013-06-01,overall,inadequate
RGG,2017-03-01,overall,requires_improvement
"""

METRICS = """metric_id,name,unit,higher_is_better,frequency,applies_to,source,description,domain
ae_4hr,A&E 4-hour performance,percent,true,monthly,acute;acute_and_community,test,Patients seen within 4 hours,access
sickness,Staff sickness absence,percent,false,monthly,,test,Share of staff days lost,workforce_culture
"""

INTERVENTIONS = """trust_code,intervention,status,start_date,end_date,amount_gbp,partner,notes
RAA,improvement_director,delivered,2014-02-01,2014-08-31,,,
RAA,central_funding,delivered,2014-01-15,,450000,,entry funding after the CP watch list (intervention note)
RBB,buddying,delivered,2015-04-01,2016-03-31,,Fernhallow Ambulance Service NHS Trust,
RCC,buddying,delivered,2014-06-01,2014-12-31,,Birchwell Hospitals NHS Foundation Trust,during CP
RCC,improvement_director,delivered,2015-02-15,2015-08-15,,,after SMQ entry
RDD,improvement_director,delivered,2016-02-01,2016-07-31,,,during CP
RDD,central_funding,no_data,2016-01-15,,,,
RGG,leadership_change,delivered,2015-06-01,,,,new chief executive during CP
RGG,improvement_director,delivered,2016-01-20,2016-06-30,,,after re-entry
"""

COSTS = """trust_code,category,period_start,payer,amount_gbp,source,notes
RAA,improvement_director,2014-02-01,nhsi,20000,test,ID for a former CP trust (cost note)
RCC,buddying,2014-07-01,nhsi,9000,test,during CP
RCC,improvement_director,2015-03-01,nhsi,18000,test,after SMQ entry
RDD,consultancy,2016-03-01,trust,120000,test,during CP
RGG,consultancy,2015-06-01,trust,80000,test,during CP
RGG,improvement_director,2016-02-01,nhsi,21000,test,
"""

DATASET = """name,synthetic,as_of,licence,notes
mini test dataset,true,2019-06-30,CC0,
"""


def _values() -> str:
    lines = ["trust_code,metric_id,period_start,value,numerator,denominator"]
    for i, code in enumerate(["RAA", "RBB", "REE", "RGG"]):
        for month in range(1, 13):
            lines.append(f"{code},ae_4hr,2015-{month:02d}-01,{80 + i + month * 0.5},,")
    for i, code in enumerate(["RAA", "RBB", "RCC", "RDD", "REE", "RFF", "RGG"]):
        for month in range(1, 13):
            if code == "RFF" and month == 6:
                continue  # a gap
            lines.append(f"{code},sickness,2015-{month:02d}-01,{4 + i * 0.1 + (month % 3) * 0.25},,")
    return "\n".join(lines) + "\n"


def mini() -> dict[str, str]:
    return {
        "trusts.csv": TRUSTS,
        "regime_episodes.csv": EPISODES,
        "cqc_ratings.csv": RATINGS,
        "metrics.csv": METRICS,
        "metric_values.csv": _values(),
        "interventions.csv": INTERVENTIONS,
        "costs.csv": COSTS,
        "dataset.csv": DATASET,
    }


EXPECTED_GROUPS = {
    "RAA": "prolonged_poor_performer",
    "RBB": "clear_improver",
    "RCC": "cp_to_smq",
    "RDD": "cp_only",
    "REE": "other_smq",
    "RFF": "never",
    "RGG": "prolonged_poor_performer",
}
CP_TRUSTS = {"RCC", "RDD", "RGG"}


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
