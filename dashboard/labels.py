"""Words for codes: users see "Clear performance improvers", never `clear_improver`."""

from __future__ import annotations

import re

GROUP_LABELS: dict[str, str] = {
    "prolonged_poor_performer": "Prolonged poor performers",
    "cp_to_smq": "Challenged providers moved into SMQ",
    "cp_only": "Challenged providers only",
    "clear_improver": "Clear performance improvers",
    "other_smq": "Other SMQ or RSP trusts",
    # True for every viewer: the public's "never" holds trusts that were on the CP list.
    "never": "Never in SMQ or the RSP",
}
TYPE_LABELS: dict[str, str] = {
    "acute": "Acute",
    "acute_and_community": "Acute and community",
    "mental_health": "Mental health",
    "community": "Community",
    "ambulance": "Ambulance",
    "specialist": "Specialist",
}
REGIME_LABELS: dict[str, str] = {
    "smq": "Special Measures for Quality",
    "rsp": "Recovery Support Programme",
    "cp": "Challenged Providers",
    "none": "No regime",
}
REGIME_SHORT: dict[str, str] = {"smq": "SMQ", "rsp": "RSP", "cp": "CP", "none": "None"}
ALIGN_LABELS: dict[str, str] = {
    "calendar": "Calendar time",
    "support_entry": "Months from entry into intensive support",
    "support_exit": "Months from leaving intensive support",
    "smq_entry": "Months from SMQ entry",
    "smq_exit": "Months from SMQ exit",
    "rsp_entry": "Months from RSP entry",
    "rsp_exit": "Months from RSP exit",
    "cp_entry": "Months from CP entry",
}
RATING_LABELS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
DOMAIN_LABELS: dict[str, str] = {
    "overall": "Overall",
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well_led": "Well-led",
}
METRIC_DOMAIN_LABELS: dict[str, str] = {
    "access": "Access",
    "safety_outcomes": "Safety and outcomes",
    "workforce_culture": "Workforce and culture",
    "finance": "Finance",
    "patient_experience": "Patient experience",
}
INTERVENTION_LABELS: dict[str, str] = {
    "improvement_director": "Improvement Director",
    "buddying": "Buddying",
    "central_funding": "Central funding",
    "leadership_change": "Leadership change",
    "deep_dive": "Deep dive",
    "oversight_group": "Oversight group",
    "other": "Other",
}
STATUS_LABELS: dict[str, str] = {
    "delivered": "Delivered",
    "not_delivered": "Not delivered",
    "no_data": "No data",
    "": "Nothing recorded",
}
COST_CATEGORY_LABELS: dict[str, str] = {
    "improvement_director": "Improvement Director",
    "buddying": "Buddying",
    "central_funding": "Central funding",
    "consultancy": "Consultancy",
    "reporting_burden": "Reporting burden",
    "leadership_recruitment": "Leadership recruitment",
    "other": "Other",
}
PAYER_LABELS: dict[str, str] = {"nhsi": "NHS Improvement", "trust": "The trust", "other": "Other"}
UNIT_LABELS: dict[str, str] = {
    "percent": "%",
    "rate": "rate",
    "count": "count",
    "score": "score",
    "gbp": "£",
    "days": "days",
    "minutes": "minutes",
    "ratio": "ratio",
}
ROLE_LABELS: dict[str, str] = {
    "public": "Public view",
    "improvement_director": "Improvement Director",
    "regulator": "Regulator",
    "analyst": "Analyst",
    "admin": "Administrator",
}
VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neither": "Special cause: neither improvement nor concern",
}


def label(mapping: dict[str, str], code: str | None, default: str = "Unknown") -> str:
    if code is None or code != code:  # None or NaN
        return default
    return mapping.get(code, str(code).replace("_", " ").capitalize())


def polarity_words(higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return ""
    return "higher is better" if higher_is_better else "lower is better"


MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>]")


def markdown_text(text: str) -> str:
    """Text as it should read inside Markdown (a grid's markdown cell): its markup escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\g<0>", str(text))


def trust_link_markdown(code: str, name: str) -> str:
    """A trust's name linking to its profile, for a grid's markdown cell."""
    return f"[{markdown_text(name)}](/trust/{code})"
