"""CQC "Latest ratings" spreadsheets -> trusts.csv and cqc_ratings.csv (contract §6).

The provider sheet is long: one row per provider, service or population group, and domain. The
trust-level rating of a domain is the row whose group is "Overall"; only NHS trusts (provider
type "NHS Healthcare Organisation") are taken. Each monthly file holds only the latest ratings, so
history comes from converting many files: every distinct publication date is kept, and the same
rating found in two files is one row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_access import vocab
from data_access.convert.columns import Field, normalise
from data_access.convert.common import Conversion, FileReport, Problem, Rejected
from data_access.convert.context import Context
from data_access.convert.reading import load_table
from data_access.convert.values import cell_text, parse_date

KIND = "cqc-ratings"

FIELDS = (
    Field("code", "the provider code", ("Provider ID", "Provider Code", "Provider ODS Code")),
    Field("name", "the provider name", ("Provider Name",)),
    Field("type", "the provider type", ("Provider Type",)),
    Field(
        "category",
        "the primary inspection category",
        ("Provider Primary Inspection Category", "Primary Inspection Category"),
    ),
    Field(
        "group",
        "the service or population group",
        ("Service / Population Group", "Service/Population Group", "Population Group", "Service Group"),
    ),
    Field("domain", "the domain (key question)", ("Domain", "Key Question")),
    Field("rating", "the rating", ("Latest Rating", "Rating")),
    Field(
        "published",
        "the publication date",
        (
            "Publication Date",
            "Date of Publication",
            "Report Publication Date",
            "Latest Rating Publication Date",
        ),
    ),
)

NHS_TRUST = "NHS Healthcare Organisation"
TRUST_LEVEL = "Overall"

# Provider Primary Inspection Category -> §2 trust type. A category not listed here leaves an NHS
# trust without a type: when the trust is already in the output folder's trusts.csv its type
# there is kept; when it is only in the database its ratings are written without a trusts.csv
# row; otherwise its rows are skipped and the summary names the trust and the category to add.
CATEGORY_TRUST_TYPES: dict[str, str] = {
    "Acute hospital - NHS non-specialist": "acute",
    "Acute hospital - NHS specialist": "specialist",
    "Mental health - community & hospital based": "mental_health",
    "Mental health - community & residential": "mental_health",
    "Mental health - community based": "mental_health",
    "Mental health - hospital based": "mental_health",
    "Community health - NHS & Independent": "community",
    "Community health - NHS": "community",
    "Ambulance service": "ambulance",
    "Ambulance services": "ambulance",
}
_CATEGORY_LOOKUP = {normalise(k): v for k, v in CATEGORY_TRUST_TYPES.items()}

# CQC has no category for a trust that runs acute and community services together: a type of
# acute_and_community already in trusts.csv is kept when CQC's category says acute or community.
_COMBINED = "acute_and_community"


def trust_type_of(category: str) -> str | None:
    """The §2 trust type for a CQC primary inspection category (None when not in the table)."""
    return _CATEGORY_LOOKUP.get(normalise(category))


def convert(paths: list[Path], ctx: Context) -> Conversion:
    result = Conversion(KIND)
    # code -> (publication date, file order, name, category) of the latest row seen
    latest: dict[str, tuple[date, int, str, str]] = {}
    for order, path in enumerate(paths):
        report = FileReport(path)
        result.files.append(report)
        try:
            _convert_file(path, order, ctx, result, report, latest)
        except Rejected as rejected:
            result.problems.extend(rejected.problems)
    unknown_categories: dict[str, str] = {}
    for code, (_, _, name, category) in sorted(latest.items()):
        trust_type = trust_type_of(category)
        existing = ctx.folder_trusts.get(code)
        if trust_type is None:
            if existing is not None:
                trust_type = existing.get("trust_type", "")
            elif code not in ctx.known.in_database:
                unknown_categories[code] = category
                continue
            else:
                continue  # the database knows the trust; its ratings can be imported as they are
        elif (
            existing is not None
            and vocab.normalise_code(existing.get("trust_type", "")) == _COMBINED
            and trust_type in ("acute", "community")
        ):
            trust_type = _COMBINED
        result.collected.add(
            "trusts", (code,), {"trust_code": code, "trust_name": name, "trust_type": trust_type}
        )
    if unknown_categories:
        dropped = {k for k in result.collected.rows.get("cqc_ratings", {}) if k[0] in unknown_categories}
        for key in dropped:
            del result.collected.rows["cqc_ratings"][key]
        listed = ", ".join(f"{code} ('{cat or 'blank'}')" for code, cat in sorted(unknown_categories.items()))
        result.notes.append(
            f"not written: {len(unknown_categories)} NHS trust(s) whose primary inspection category has no "
            f"trust type, {len(dropped)} rating(s): {listed}; add the category to CATEGORY_TRUST_TYPES "
            "(data_access/convert/cqc.py) or the trust to trusts.csv"
        )
    return result


def _convert_file(
    path: Path,
    order: int,
    ctx: Context,
    result: Conversion,
    report: FileReport,
    latest: dict[str, tuple[date, int, str, str]],
) -> None:
    table = load_table(path, FIELDS, sheets=("Providers", "Provider"), strict_sheet=True, stream=ctx.stream)
    report.where = table.where()
    col = table.header.index
    labels = table.header.labels
    problems: list[Problem] = []
    trusts: set[str] = set()
    nhs, overall = normalise(NHS_TRUST), normalise(TRUST_LEVEL)

    def cell(cells: list[object], key: str) -> object:
        i = col[key]
        return cells[i] if i < len(cells) else None

    for number, cells in table.data_rows(ctx.stream):
        report.rows += 1
        code = cell_text(cell(cells, "code")).upper()
        if not code:
            report.skipped["no provider code"] += 1
            continue
        if normalise(cell(cells, "type")) != nhs:
            report.skipped["not an NHS trust (provider type)"] += 1
            continue
        trusts.add(code)
        raw_date = cell(cells, "published")
        try:
            published: date | None = parse_date(raw_date)
        except ValueError:
            published = None
        # Every NHS trust in the file goes into trusts.csv, rated or not (a new trust may have
        # no rating yet); its name and type come from its latest row.
        seen = latest.get(code)
        stamp = (published or date.min, order)
        if seen is None or stamp >= seen[:2]:
            latest[code] = (*stamp, cell_text(cell(cells, "name")), cell_text(cell(cells, "category")))
        if normalise(cell(cells, "group")) != overall:
            report.skipped["below trust level (service/population group is not Overall)"] += 1
            continue
        domain_text = cell_text(cell(cells, "domain"))
        domain = vocab.normalise_code(domain_text)
        if domain not in vocab.DOMAINS:
            report.skipped[f"not a domain of §2 ({domain_text or 'blank'})"] += 1
            continue
        rating_text = cell_text(cell(cells, "rating"))
        rating = vocab.normalise_code(rating_text)
        if rating not in vocab.RATINGS:
            report.skipped[f"not a rating ({rating_text or 'blank'})"] += 1
            continue
        if published is None:
            shown = cell_text(raw_date)
            reason = f"'{shown}' is not a date (dd/mm/yyyy)" if shown else "the publication date is blank"
            problems.append(Problem(table.label, reason, number, labels["published"]))
            continue
        result.collected.add(
            "cqc_ratings",
            (code, published.isoformat(), domain),
            {
                "trust_code": code,
                "publication_date": published.isoformat(),
                "domain": domain,
                "rating": rating,
            },
        )
        report.took["ratings"] += 1
    if problems:
        raise Rejected(problems)
    report.took["NHS trusts"] = len(trusts)
