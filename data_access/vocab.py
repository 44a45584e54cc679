"""The controlled vocabularies of the CSV contract, in one place.

Every code the importer accepts, the database stores and the views label comes from here, so a
new intervention type or cost category is added once and flows everywhere.
"""

from __future__ import annotations

TRUST_TYPES: tuple[str, ...] = (
    "acute",
    "acute_and_community",
    "mental_health",
    "community",
    "ambulance",
    "specialist",
)
SETTINGS: tuple[str, ...] = ("urban", "semi_urban", "rural")
REGIMES: tuple[str, ...] = ("smq", "rsp", "cp")
# Intensive support: SMQ (2013-2021) and the Recovery Support Programme that replaced it
# (with its successors, NOF segment 5 and the Provider Improvement Programme). An episode of
# either that starts within SPELL_GAP_DAYS after another one's end continues the same spell.
INTENSIVE_REGIMES: tuple[str, ...] = ("smq", "rsp")
PUBLIC_REGIMES: frozenset[str] = frozenset(INTENSIVE_REGIMES)
SPELL_GAP_DAYS = 31
DOMAINS: tuple[str, ...] = ("overall", "safe", "effective", "caring", "responsive", "well_led")
RATINGS: tuple[str, ...] = ("outstanding", "good", "requires_improvement", "inadequate")
UNITS: tuple[str, ...] = ("percent", "rate", "count", "score", "gbp", "days", "minutes", "ratio")
FREQUENCIES: tuple[str, ...] = ("monthly", "quarterly", "annual")
METRIC_DOMAINS: tuple[str, ...] = (
    "access",
    "safety_outcomes",
    "workforce_culture",
    "finance",
    "patient_experience",
)
INTERVENTIONS: tuple[str, ...] = (
    "improvement_director",
    "buddying",
    "central_funding",
    "leadership_change",
    "deep_dive",
    "oversight_group",
    "other",
)
INTERVENTION_STATUSES: tuple[str, ...] = ("delivered", "not_delivered", "no_data")
COST_CATEGORIES: tuple[str, ...] = (
    "improvement_director",
    "buddying",
    "central_funding",
    "consultancy",
    "reporting_burden",
    "leadership_recruitment",
    "other",
)
PAYERS: tuple[str, ...] = ("nhsi", "trust", "other")
GROUPS: tuple[str, ...] = (
    "prolonged_poor_performer",
    "cp_to_smq",
    "cp_only",
    "clear_improver",
    "other_smq",
    "never",
)
CP_GROUPS: frozenset[str] = frozenset({"cp_to_smq", "cp_only"})
ALIGNMENTS: tuple[str, ...] = (
    "calendar",
    "smq_entry",
    "smq_exit",
    "rsp_entry",
    "rsp_exit",
    "cp_entry",
    "support_entry",
    "support_exit",
)
ROLES: tuple[str, ...] = ("public", "improvement_director", "regulator", "analyst", "admin")
FULL_ACCESS_ROLES: frozenset[str] = frozenset({"regulator", "analyst", "admin"})
CURRENT_REGIMES: tuple[str, ...] = ("smq", "rsp", "cp", "none")

# Rank of an overall CQC rating: higher is better. Used by the evaluation-group rules.
RATING_RANK: dict[str, int] = {
    "inadequate": 1,
    "requires_improvement": 2,
    "good": 3,
    "outstanding": 4,
}

# Funding caps of the programme, in pounds.
FUNDING_CAP_SMQ_ENTRY = 500_000
FUNDING_CAP_CP = 200_000
FUNDING_CAP_SMQ_EXIT = 100_000


def normalise_code(text: str) -> str:
    """Lower-case a code and accept the spellings people type or CQC publishes.

    "Requires improvement", "Well-led" and "acute and community" all map to the stored code.
    """
    code = text.strip().lower()
    for sep in (" ", "-", "/"):
        code = code.replace(sep, "_")
    while "__" in code:
        code = code.replace("__", "_")
    if code == "acute_&_community":
        code = "acute_and_community"
    return code
