"""Provenance and protective marking for every export: packs, decks, chart images, CSV files (pure).

A `Provenance` says where an export's numbers come from and who it was made for: the dataset
and its as-of date, whether the data are synthetic, the filters in words, the audience, when it
was made, and whether its content includes information from the confidential Challenged
Providers (CP) list. From it come, in one wording everywhere:

* the protective marking, `MARKING_CP`, exactly when the content includes CP information and
  never otherwise (a public export never carries it, so it cannot point at the list either);
* `SYNTHETIC_WORDS` when the data are synthetic;
* a one-line source text for chart images and slides (`source_line`);
* a first comment line for a CSV file (`csv_comment`, starting with ``#``);
* a file-name stem carrying the view, the main filters and the as-of date (`file_stem`).

When does content include CP information?
-----------------------------------------
The role rule (contract §5) is applied where the data is read: a viewer who may not see a
trust's CP status gets no CP episode, no `cp_*` group and none of the interventions or costs
dated inside its CP episodes. What is left to decide here is whether an export made for a
viewer who *may* see CP actually shows any of it. `cp_reasons` answers from the frames the
export shows (callers pass what they showed, not what they read), and the content includes CP
information when it gives any reason:

1. a ``regime`` column holding ``cp``: a CP episode, or a count of trusts on the CP list (a
   count of 0 too: that no filtered trust is on the list is information about the list);
2. a group column (``evaluation_group`` or ``group``) holding a `cp_*` group code;
3. a column named for CP (``ever_cp``, ``first_cp_entry``, any ``cp_*`` or ``*_cp``) holding a
   value that is not blank, False or 0 (the same columns of a public frame are all blank, so
   their mere presence tells nothing);
4. an intervention or cost row (`cp_dated`) dated inside one of its trust's CP episodes
   (`cp_episodes`, those the viewer may see): the public never sees such a row, so a count or
   total that includes it differs from the public one. A row is inside an episode from its
   start day up to and including its end day; an episode without an end is ongoing.

Anything else a viewer who sees CP is shown (SMQ and RSP episodes, ratings, metric values, rows
dated outside CP episodes) is what the public sees too, and carries no marking.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import pandas as pd

from dashboard import formats
from data_access.filters import Filters
from data_access.vocab import CP_GROUPS

PRODUCT: Final = "smq-monitor"
MARKING_CP: Final = "OFFICIAL-SENSITIVE: contains the confidential Challenged Providers list"
SYNTHETIC_WORDS: Final = "Synthetic demo data"
NO_FILTERS: Final = "None: every trust"
STEM_MAX_LENGTH: Final = 80
GROUP_COLUMNS: Final = ("evaluation_group", "group")
DATE_COLUMNS: Final = ("start_date", "period_start", "date")
CP_COLUMN = re.compile(r"(?:^|_)cp(?:_|$)")
REGIME_TOKENS: Final[dict[str, str]] = {"smq": "ever-smq", "cp": "ever-cp", "none": "never-in-a-regime"}
TOKENS_PER_KIND: Final = 3  # more values of one filter than this are written as a count


def _one_line(text: object) -> str:
    """Text on one line: a dataset name or a filter value cannot break a header or a CSV line."""
    return " ".join(str(text).split())


@dataclass(frozen=True)
class Provenance:
    """Where an export's numbers come from and who it was made for."""

    dataset_name: str | None
    as_of: date
    synthetic: bool
    filter_words: tuple[str, ...]
    audience: str
    includes_cp: bool
    generated_at: datetime  # naive means UTC, as the pack stores it
    view: str = "findings"
    filter_tokens: tuple[str, ...] = ()
    licence: str | None = None

    # ---- words ---------------------------------------------------------------------------
    @property
    def marking(self) -> str | None:
        """The protective marking, only when the content includes CP information."""
        return MARKING_CP if self.includes_cp else None

    @property
    def synthetic_words(self) -> str | None:
        return SYNTHETIC_WORDS if self.synthetic else None

    @property
    def dataset_words(self) -> str:
        return _one_line(self.dataset_name) if self.dataset_name else "an unnamed dataset"

    @property
    def filters_words(self) -> str:
        """The filters as one phrase: "Trust type: Acute; Dates: from 1 Jan 2015"."""
        words = [_one_line(w) for w in self.filter_words if str(w).strip()]
        return "; ".join(words) if words else NO_FILTERS

    @property
    def as_of_words(self) -> str:
        return formats.display_date(self.as_of)

    @property
    def generated_words(self) -> str:
        """When the export was made, in UK time: "2 Apr 2024 at 10:30 BST"."""
        return formats.display_datetime(self.generated_at)

    def source_line(self) -> str:
        """One line for under a chart or at the foot of a slide.

        "Source: smq-monitor, Test data, data as of 31 Mar 2024. Synthetic demo data."
        """
        line = f"Source: {PRODUCT}, {self.dataset_words}, data as of {self.as_of_words}."
        if self.synthetic:
            line += f" {SYNTHETIC_WORDS}."
        return line

    def footer_lines(self) -> list[str]:
        """What the foot of every page or slide carries: the marking (when due), then the source."""
        return [line for line in (self.marking, self.source_line()) if line]

    def details(self) -> list[tuple[str, str]]:
        """Label and value pairs for a title page, in reading order."""
        rows = [
            ("Generated", self.generated_words),
            ("Data as of", self.as_of_words),
            ("Dataset", self.dataset_words if self.dataset_name else "Not named"),
        ]
        rows.append(("Licence", _one_line(self.licence) if self.licence else "Not stated"))
        rows += [("Prepared for", _one_line(self.audience)), ("Filters applied", self.filters_words)]
        return rows

    def csv_comment(self) -> str:
        """The first line of a CSV file: ``#``, then the marking (when due) and the provenance."""
        parts = [
            self.marking,
            f"{PRODUCT} {_one_line(self.view)}",
            f"dataset: {self.dataset_words}",
            f"data as of {self.as_of_words}",
            self.synthetic_words,
            f"filters: {self.filters_words}",
            f"prepared for: {_one_line(self.audience)}",
            f"generated {self.generated_words}",
        ]
        return "# " + " · ".join(p for p in parts if p)

    # ---- file names ----------------------------------------------------------------------
    def file_stem(self, max_length: int = STEM_MAX_LENGTH) -> str:
        """``smq-monitor-<view>-<main filters>-<as-of date>``: lower-case letters, digits and
        hyphens only, at most `max_length` characters; filters that do not fit end in "more"."""
        return file_stem(self.view, self.filter_tokens, self.as_of, max_length)

    def file_name(self, extension: str) -> str:
        return f"{self.file_stem()}.{slug(extension) or 'txt'}"


# --------------------------------------------------------------------------------------------
# File names


def slug(text: object) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens ("Mental health" → "mental-health")."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def filter_tokens(filters: Filters, includes_cp: bool) -> tuple[str, ...]:
    """The main filters as file-name words: trust types, groups, regions, regimes, trusts,
    a single metric, and the dates. More than three values of one kind become a count
    ("4-types"). Without CP content, no CP group or regime is named (a public file name must
    not say that a CP filter was tried)."""
    tokens: list[str] = []

    def add(values: tuple[str, ...], kind: str) -> None:
        if len(values) > TOKENS_PER_KIND:
            tokens.append(f"{len(values)}-{kind}")
        else:
            tokens.extend(slug(v) for v in values)

    groups = tuple(g for g in filters.groups if includes_cp or g not in CP_GROUPS)
    regimes = tuple(r for r in filters.regimes if includes_cp or r != "cp")
    add(filters.types, "types")
    add(groups, "groups")
    add(filters.regions, "regions")
    add(tuple(REGIME_TOKENS.get(r, r) for r in regimes), "regimes")
    add(filters.trusts, "trusts")
    if len(filters.metrics) == 1:
        tokens.append(slug(filters.metrics[0]))
    if filters.date_from:
        tokens.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to:
        tokens.append(f"to-{filters.date_to.isoformat()}")
    return tuple(t for t in tokens if t)


def file_stem(view: str, tokens: tuple[str, ...], as_of: date, max_length: int = STEM_MAX_LENGTH) -> str:
    """See `Provenance.file_stem`."""
    tail = as_of.isoformat()
    # The view gives way first to keep the product name and the date whole.
    head = "-".join(p for p in (PRODUCT, slug(view)) if p)[: max(len(PRODUCT), max_length - len(tail) - 1)]
    head = head.rstrip("-")
    words = [slug(t) for t in tokens if slug(t)]
    room = max_length - len(head) - len(tail) - 2
    kept: list[str] = []
    for i, word in enumerate(words):
        more = i < len(words) - 1
        needed = len("-".join([*kept, word])) + (len("-more") if more else 0)
        if needed > room:
            kept.append("more")
            break
        kept.append(word)
    while kept and len("-".join(kept)) > room:  # even "more" may not fit in a tiny budget
        kept.pop()
    stem = "-".join([head, *kept, tail]) if kept else f"{head}-{tail}"
    return stem[:max_length].strip("-")


# --------------------------------------------------------------------------------------------
# Does the content include CP information?


def holds_values(series: pd.Series) -> bool:
    """Whether a column holds anything but blanks, False and 0."""
    values = series.dropna()
    if values.empty:
        return False
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return bool((values != 0).any())
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    text = values.astype(str).str.strip().str.lower()
    return bool((~text.isin(["", "false", "0", "0.0", "nat", "nan", "none"])).any())


def _frame_reasons(name: str, frame: pd.DataFrame) -> list[str]:
    reasons = []
    if "regime" in frame.columns and (frame["regime"].astype(str) == "cp").any():
        reasons.append(f"{name}: CP episodes or counts")
    if "current_regime" in frame.columns and (frame["current_regime"].astype(str) == "cp").any():
        reasons.append(f"{name}: trusts on the CP list now")
    for column in GROUP_COLUMNS:
        if column in frame.columns and frame[column].astype(str).isin(CP_GROUPS).any():
            reasons.append(f"{name}: a CP evaluation group")
    for column in frame.columns:
        if CP_COLUMN.search(str(column)) and holds_values(frame[column]):
            reasons.append(f"{name}: CP values in {column}")
    return reasons


def _dated_inside_cp(frame: pd.DataFrame, cp_episodes: pd.DataFrame) -> bool:
    date_column = next((c for c in DATE_COLUMNS if c in frame.columns), None)
    if date_column is None or "trust_code" not in frame.columns or frame.empty or cp_episodes.empty:
        return False
    rows = frame[["trust_code", date_column]].dropna()
    rows = rows.assign(_when=pd.to_datetime(rows[date_column]))
    spells = cp_episodes[["trust_code", "start_date", "end_date"]].assign(
        _start=lambda e: pd.to_datetime(e["start_date"]), _end=lambda e: pd.to_datetime(e["end_date"])
    )
    pairs = rows.merge(spells, on="trust_code")
    inside = (pairs["_when"] >= pairs["_start"]) & (pairs["_end"].isna() | (pairs["_when"] <= pairs["_end"]))
    return bool(inside.any())


def cp_reasons(
    shown: Mapping[str, pd.DataFrame | None],
    *,
    cp_episodes: pd.DataFrame | None = None,
    cp_dated: Mapping[str, pd.DataFrame | None] | None = None,
) -> list[str]:
    """Why the content includes CP information (empty when it does not): see the module notes.

    `shown` names each frame the export shows; `cp_dated` the intervention and cost rows it
    counts or adds up (trust_code and start_date or period_start), checked against
    `cp_episodes` (trust_code, start_date, end_date: the CP episodes the viewer may see).
    """
    reasons: list[str] = []
    for name, frame in shown.items():
        if frame is not None:
            reasons += _frame_reasons(name, frame)
    if cp_episodes is not None and "regime" in cp_episodes.columns:
        cp_episodes = cp_episodes[cp_episodes["regime"] == "cp"]
    for name, frame in (cp_dated or {}).items():
        if frame is None:
            continue
        reasons += _frame_reasons(name, frame)
        if cp_episodes is not None and _dated_inside_cp(frame, cp_episodes):
            reasons.append(f"{name}: rows dated inside a CP episode")
    return reasons


def includes_cp(
    shown: Mapping[str, pd.DataFrame | None],
    *,
    cp_episodes: pd.DataFrame | None = None,
    cp_dated: Mapping[str, pd.DataFrame | None] | None = None,
) -> bool:
    """Whether the content includes CP information (see `cp_reasons`)."""
    return bool(cp_reasons(shown, cp_episodes=cp_episodes, cp_dated=cp_dated))


# --------------------------------------------------------------------------------------------
# Chart images: what a chart saved from its toolbar carries (assets/zz-js/chart-export.js).

CP_WORDS_CASED = re.compile(r"\bCP\b")
CP_PHRASE = re.compile(r"challenged provider", re.IGNORECASE)
UNSHOWN_KEYS: Final = frozenset({"uirevision", "meta", "template", "uid", "ids", "datarevision"})
EXPORT_META: Final = "export"


def _strings(node: object, key: str = "") -> list[str]:
    if key in UNSHOWN_KEYS:
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, Mapping):
        return [s for k, v in node.items() for s in _strings(v, str(k))]
    if isinstance(node, list | tuple):
        return [s for v in node for s in _strings(v, key)]
    if hasattr(node, "tolist") and not isinstance(node, str):  # numpy arrays of labels
        return _strings(node.tolist(), key)
    return []


def _figure_dict(figure: object) -> Mapping:
    if hasattr(figure, "to_plotly_json"):
        return figure.to_plotly_json()
    return figure if isinstance(figure, Mapping) else {}


def figure_cp_reasons(figure: object) -> list[str]:
    """Why a chart shows CP information (empty when it does not), from what it draws: a trace,
    category, label, hover text, axis or annotation naming the list ("Challenged Providers",
    "CP") or holding a CP code (`cp`, a `cp_*` group, ``cp_entry``)."""
    found: list[str] = []
    for text in _strings(_figure_dict(figure)):
        if CP_WORDS_CASED.search(text) or CP_PHRASE.search(text):
            found.append(f"names the list: {text[:60]!r}")
        elif " " not in text and (text in CP_GROUPS or CP_COLUMN.search(text)):
            found.append(f"a CP code: {text[:60]!r}")
        if len(found) >= 3:
            break
    return found


def chart_stamp(provenance: Provenance) -> dict[str, str | None]:
    """What an exported chart image carries besides its title: the source line (dataset, as-of
    date, "Synthetic demo data"), the filters in words, and the marking when due."""
    return {
        "source": provenance.source_line(),
        "filters": f"Filters: {provenance.filters_words}",
        "marking": provenance.marking,
    }


def stamp_figure(figure: object, provenance: Provenance) -> object:
    """The figure with `chart_stamp` in ``layout.meta.export`` for the toolbar's image export;
    the chart as drawn on the page is unchanged."""
    stamp = chart_stamp(provenance)
    if hasattr(figure, "layout"):
        meta = figure.layout.meta
        merged = {**meta, EXPORT_META: stamp} if isinstance(meta, Mapping) else {EXPORT_META: stamp}
        figure.layout.meta = merged
    elif isinstance(figure, dict) and isinstance(figure.get("layout", {}), dict):
        layout = figure.setdefault("layout", {})
        meta = layout.get("meta")
        layout["meta"] = {**meta, EXPORT_META: stamp} if isinstance(meta, Mapping) else {EXPORT_META: stamp}
    return figure
