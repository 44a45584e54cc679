"""The CSV import format of the contract (§2), as data: one spec per file.

The importer, the exporter and the `/data` page all read these specs, so the format is written
down once.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access import vocab


@dataclass(frozen=True)
class Column:
    """One CSV column.

    kind is one of: text, code, codelist (';'-separated codes), date, number, bool, trust, metric.
    required: the column must be in the header. nonblank: every cell must have a value.
    """

    name: str
    kind: str = "text"
    required: bool = False
    nonblank: bool = False
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    stem: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.stem}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _key(name: str, kind: str, codes: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, required=True, nonblank=True, codes=codes)


def _req(name: str, kind: str = "text", codes: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, required=True, nonblank=True, codes=codes)


def _opt(name: str, kind: str = "text", codes: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, codes=codes)


TRUSTS = FileSpec(
    "trusts",
    "trusts",
    (
        _key("trust_code", "trust"),
        _req("trust_name"),
        _req("trust_type", "code", vocab.TRUST_TYPES),
        _opt("region"),
        _opt("setting", "code", vocab.SETTINGS),
        _opt("teaching", "bool"),
        _opt("icb"),
        _opt("evaluation_group", "code", vocab.GROUPS),
    ),
    ("trust_code",),
)

REGIME_EPISODES = FileSpec(
    "regime_episodes",
    "regime_episodes",
    (
        _key("trust_code", "trust"),
        _key("regime", "code", vocab.REGIMES),
        _key("start_date", "date"),
        _opt("end_date", "date"),
        _opt("notes"),
    ),
    ("trust_code", "regime", "start_date"),
)

CQC_RATINGS = FileSpec(
    "cqc_ratings",
    "cqc_ratings",
    (
        _key("trust_code", "trust"),
        _key("publication_date", "date"),
        _key("domain", "code", vocab.DOMAINS),
        _req("rating", "code", vocab.RATINGS),
    ),
    ("trust_code", "publication_date", "domain"),
)

METRICS = FileSpec(
    "metrics",
    "metrics",
    (
        _key("metric_id", "metric_code"),
        _req("name"),
        _req("unit", "code", vocab.UNITS),
        _req("higher_is_better", "bool"),
        _opt("frequency", "code", vocab.FREQUENCIES),
        _opt("applies_to", "codelist", vocab.TRUST_TYPES),
        _opt("source"),
        _opt("description"),
        _opt("domain", "code", vocab.METRIC_DOMAINS),
    ),
    ("metric_id",),
)

# `value` is a required column, but a blank cell is allowed: it means "not known" and shows
# as a gap, never as zero.
METRIC_VALUES = FileSpec(
    "metric_values",
    "metric_values",
    (
        _key("trust_code", "trust"),
        _key("metric_id", "metric"),
        _key("period_start", "date"),
        Column("value", "number", required=True),
        _opt("numerator", "number"),
        _opt("denominator", "number"),
    ),
    ("trust_code", "metric_id", "period_start"),
)

INTERVENTIONS = FileSpec(
    "interventions",
    "interventions",
    (
        _key("trust_code", "trust"),
        _key("intervention", "code", vocab.INTERVENTIONS),
        _req("status", "code", vocab.INTERVENTION_STATUSES),
        _key("start_date", "date"),
        _opt("end_date", "date"),
        _opt("amount_gbp", "number"),
        _opt("partner"),
        _opt("notes"),
    ),
    ("trust_code", "intervention", "start_date"),
)

# A cost row may have a blank amount (`no_data`): the column is required, the cell is not.
COSTS = FileSpec(
    "costs",
    "costs",
    (
        _key("trust_code", "trust"),
        _key("category", "code", vocab.COST_CATEGORIES),
        _key("period_start", "date"),
        _key("payer", "code", vocab.PAYERS),
        Column("amount_gbp", "number", required=True),
        _opt("source"),
        _opt("notes"),
    ),
    ("trust_code", "category", "period_start", "payer"),
)

DATASET = FileSpec(
    "dataset",
    "dataset_info",
    (
        _opt("name"),
        _opt("synthetic", "bool"),
        _opt("as_of", "date"),
        _opt("licence"),
        _opt("notes"),
    ),
    (),
)

# Load order: parents before children.
FILES: tuple[FileSpec, ...] = (
    TRUSTS,
    METRICS,
    REGIME_EPISODES,
    CQC_RATINGS,
    METRIC_VALUES,
    INTERVENTIONS,
    COSTS,
    DATASET,
)
BY_STEM: dict[str, FileSpec] = {f.stem: f for f in FILES}
