"""The filter state of every page, read from and written to the URL query string (§4).

The URL is the single source of truth for what is on screen. Unknown or malformed values are
dropped with a notice the page shows, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode

from data_access import vocab

REGIME_FILTERS: tuple[str, ...] = (*vocab.REGIMES, "none")

# What the cohort years (`entered`, `exited`) count: the first intensive-support spell (SMQ or RSP,
# §2), or a trust's first episode of one regime. `cp` exists only for a viewer who may see CP.
COHORT_EVENTS: tuple[str, ...] = ("support", *vocab.REGIMES)
COHORT_DEFAULT = "support"

# The span of dates a view can show: `from` and `to` outside it are clipped with a notice.
LATEST_DATE = date(2030, 12, 31)
FIRST_COHORT_YEAR, LAST_COHORT_YEAR = 2000, LATEST_DATE.year


@dataclass(frozen=True)
class PageParam:
    """A page's own query-string parameter, declared once: its key, its choices (empty for free
    text, checked by the page) and the value it takes when absent."""

    key: str
    choices: tuple[str, ...] = ()
    default: str | None = None


# Every page parameter kept in the URL beside the global filters.
PAGE_PARAMS: dict[str, PageParam] = {
    p.key: p
    for p in (
        PageParam("compare", ("none", "group", "type"), "none"),
        # The trajectories' line of never-in-regime trusts in the same calendar months (aligned axis).
        PageParam("same_period", ("on", "off"), "on"),
        PageParam("sort", ("first_entry", "time_in_regime", "group", "name"), "first_entry"),
        PageParam("rows", ("group", "type", "none"), "group"),
        PageParam("by", ("group", "type"), "group"),
        PageParam("spc_break", ("none", *(a for a in vocab.ALIGNMENTS if a != "calendar")), "none"),
        PageParam("metrics"),
        # The CUSUM's slack and decision interval in sigmas (free text, checked by dashboard.cusum).
        PageParam("cusum_k"),
        PageParam("cusum_h"),
    )
}

# The global filters' query keys and the Filters field each one fills (contract §4).
FIELD_KEYS: dict[str, str] = {
    "type": "types",
    "group": "groups",
    "region": "regions",
    "icb": "icbs",
    "regime": "regimes",
    "trust": "trusts",
    "metric": "metrics",
    "from": "date_from",
    "to": "date_to",
    "align": "align",
    "entered": "entered",
    "exited": "exited",
    "cohort": "cohort",
}

MULTI_KEYS = ("type", "group", "region", "icb", "regime", "trust", "metric", "entered", "exited")


@dataclass(frozen=True)
class KnownValues:
    """Values that exist in the data, to drop unknown regions, ICBs, trusts and metrics, and the
    first date the data holds (an earlier `from` is clipped to it)."""

    regions: frozenset[str] = frozenset()
    trusts: frozenset[str] = frozenset()
    metrics: frozenset[str] = frozenset()
    icbs: frozenset[str] = frozenset()
    first_date: date | None = None


@dataclass(frozen=True)
class Filters:
    types: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    regimes: tuple[str, ...] = ()
    trusts: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    align: str = "calendar"
    icbs: tuple[str, ...] = ()
    # Cohorts: years (as written, "2016") of the trust's first entry into / exit from `cohort`.
    entered: tuple[str, ...] = ()
    exited: tuple[str, ...] = ()
    cohort: tuple[str, ...] = ()  # at most one of COHORT_EVENTS; empty means COHORT_DEFAULT
    extras: tuple[tuple[str, str], ...] = field(default=())

    # ---- reading ---------------------------------------------------------------------------
    @classmethod
    def from_query(
        cls, query: str | Mapping[str, Iterable[str] | str] | None, known: KnownValues | None = None
    ) -> tuple[Filters, list[str]]:
        """Parse a query string; return the filters and a notice per value ignored."""
        pairs = _pairs(query)
        notices: list[str] = []
        values: dict[str, list[str]] = {}
        for key, raw in pairs:
            key = key.strip().lower()
            parts = [p.strip() for p in raw.split(",")] if key in MULTI_KEYS else [raw.strip()]
            values.setdefault(key, []).extend(p for p in parts if p != "")

        def codes(key: str, allowed: Iterable[str], label: str) -> tuple[str, ...]:
            allowed = tuple(allowed)
            kept: list[str] = []
            for raw in values.pop(key, []):
                code = vocab.normalise_code(raw)
                if code in allowed:
                    if code not in kept:
                        kept.append(code)
                else:
                    notices.append(f"Ignored {label} “{_shorten(raw)}”: not a known {label}.")
            return tuple(kept)

        types = codes("type", vocab.TRUST_TYPES, "trust type")
        groups = codes("group", vocab.GROUPS, "evaluation group")
        regimes = codes("regime", REGIME_FILTERS, "regime")

        def names(key: str, present: frozenset[str] | None, label: str) -> list[str]:
            """Free-text values matched case-insensitively to those in the data."""
            kept: list[str] = []
            lookup = {r.lower(): r for r in (present or ())}
            for raw in values.pop(key, []):
                if present is None:
                    kept.append(raw)
                elif raw.lower() in lookup:
                    kept.append(lookup[raw.lower()])
                else:
                    notices.append(f"Ignored {label} “{_shorten(raw)}”: no trust is in that {label}.")
            return kept

        regions = names("region", known.regions if known else None, "region")
        icbs = names("icb", known.icbs if known else None, "ICB")
        trusts: list[str] = []
        for raw in values.pop("trust", []):
            code = raw.upper()
            if known is not None and code not in known.trusts:
                notices.append(f"Ignored trust “{_shorten(raw)}”: no trust has that code.")
            elif code not in trusts:
                trusts.append(code)
        metrics: list[str] = []
        for raw in values.pop("metric", []):
            code = raw.lower()
            if known is not None and code not in known.metrics:
                notices.append(f"Ignored metric “{_shorten(raw)}”: no metric has that id.")
            elif code not in metrics:
                metrics.append(code)

        date_from = _date(values.pop("from", []), "from", notices)
        date_to = _date(values.pop("to", []), "to", notices)
        first = known.first_date if known else None
        date_from = _clip(date_from, "from", first, notices)
        date_to = _clip(date_to, "to", first, notices)
        if date_from and date_to and date_to < date_from:
            notices.append("Ignored the “to” date: it is before the “from” date.")
            date_to = None

        align = "calendar"
        align_values = values.pop("align", [])
        for raw in align_values:
            code = vocab.normalise_code(raw)
            if code in vocab.ALIGNMENTS:
                align = code
                break
            notices.append(
                f"Ignored alignment “{_shorten(raw)}”: use calendar, smq_entry, smq_exit or cp_entry."
            )

        entered = _years(values.pop("entered", []), "entry", notices)
        exited = _years(values.pop("exited", []), "exit", notices)
        cohort: tuple[str, ...] = ()
        for raw in values.pop("cohort", []):
            code = vocab.normalise_code(raw)
            if code in COHORT_EVENTS:
                cohort = () if code == COHORT_DEFAULT else (code,)
                break
            notices.append(f"Ignored cohort “{_shorten(raw)}”: use support (SMQ or RSP), smq or rsp.")

        extras: list[tuple[str, str]] = []
        for key in list(values):
            if key not in PAGE_PARAMS:
                notices.append(f"Ignored unknown parameter “{_shorten(key)}”.")
                values.pop(key)
                continue
            allowed = PAGE_PARAMS[key].choices
            for raw in values.pop(key):
                if allowed and raw.lower() not in allowed:
                    notices.append(f"Ignored {key} “{_shorten(raw)}”.")
                    continue
                extras.append((key, raw.lower() if allowed else raw))
                break

        return (
            cls(
                types=types,
                groups=groups,
                regions=tuple(dict.fromkeys(regions)),
                regimes=regimes,
                trusts=tuple(trusts),
                metrics=tuple(metrics),
                date_from=date_from,
                date_to=date_to,
                align=align,
                icbs=tuple(dict.fromkeys(icbs)),
                entered=entered,
                exited=exited,
                cohort=cohort,
                extras=tuple(extras),
            ),
            notices,
        )

    # ---- writing ---------------------------------------------------------------------------
    def to_query(self) -> str:
        """Canonical query string (no leading '?'); empty filters produce ''."""
        pairs: list[tuple[str, str]] = []
        pairs += [("type", v) for v in self.types]
        pairs += [("group", v) for v in self.groups]
        pairs += [("region", v) for v in self.regions]
        pairs += [("icb", v) for v in self.icbs]
        pairs += [("regime", v) for v in self.regimes]
        pairs += [("trust", v) for v in self.trusts]
        pairs += [("metric", v) for v in self.metrics]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.align != "calendar":
            pairs.append(("align", self.align))
        pairs += [("entered", v) for v in self.entered]
        pairs += [("exited", v) for v in self.exited]
        pairs += [("cohort", v) for v in self.cohort if v != COHORT_DEFAULT]
        pairs += list(self.extras)
        return urlencode(pairs)

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def extra(self, key: str, default: str | None = None) -> str | None:
        """A page parameter's value: as given, else `default`, else its declared default."""
        for k, v in self.extras:
            if k == key:
                return v
        if default is not None:
            return default
        param = PAGE_PARAMS.get(key)
        return param.default if param else None

    def cache_key(self) -> str:
        """The same view under any spelling gives one key: set-like values sorted, page parameters
        at their declared default dropped (`metric` keeps its order: the first one is shown)."""
        extras = tuple(
            sorted((k, v) for k, v in self.extras if PAGE_PARAMS.get(k, PageParam(k)).default != v)
        )
        return replace(
            self,
            types=tuple(sorted(self.types)),
            groups=tuple(sorted(self.groups)),
            regions=tuple(sorted(self.regions)),
            icbs=tuple(sorted(self.icbs)),
            regimes=tuple(sorted(self.regimes)),
            trusts=tuple(sorted(self.trusts)),
            entered=tuple(sorted(self.entered)),
            exited=tuple(sorted(self.exited)),
            cohort=tuple(c for c in self.cohort if c != COHORT_DEFAULT),
            extras=extras,
        ).to_query()

    def with_extra(self, key: str, value: str | None) -> Filters:
        kept = tuple((k, v) for k, v in self.extras if k != key)
        if value is not None:
            kept += ((key, value),)
        return replace(self, extras=kept)

    @property
    def trust(self) -> str | None:
        """The one selected trust, when exactly one is named."""
        return self.trusts[0] if len(self.trusts) == 1 else None

    @property
    def cohort_event(self) -> str:
        """What the cohort years count: `support`, `smq`, `rsp` or `cp`."""
        return self.cohort[0] if self.cohort else COHORT_DEFAULT

    @property
    def metric(self) -> str | None:
        return self.metrics[0] if self.metrics else None

    def selects_trusts(self) -> bool:
        """Whether any filter narrows the set of trusts (dates clip rows, not trusts)."""
        return self.trust_filters().with_(date_from=None, date_to=None) != Filters()

    def trust_filters(self) -> Filters:
        """Only what selects trusts (for cache keys of trust-level queries)."""
        return Filters(
            types=tuple(sorted(self.types)),
            groups=tuple(sorted(self.groups)),
            regions=tuple(sorted(self.regions)),
            icbs=tuple(sorted(self.icbs)),
            regimes=tuple(sorted(self.regimes)),
            trusts=tuple(sorted(self.trusts)),
            entered=tuple(sorted(self.entered)),
            exited=tuple(sorted(self.exited)),
            cohort=tuple(c for c in self.cohort if c != COHORT_DEFAULT),
            date_from=self.date_from,
            date_to=self.date_to,
        )


def _pairs(query: str | Mapping | None) -> list[tuple[str, str]]:
    if query is None:
        return []
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=False)
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if isinstance(value, str):
            pairs.append((key, value))
        else:
            pairs.extend((key, str(v)) for v in value)
    return pairs


def _date(raws: list[str], name: str, notices: list[str]) -> date | None:
    for raw in raws:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            notices.append(f"Ignored “{name}” date “{_shorten(raw)}”: use YYYY-MM-DD.")
    return None


def _clip(value: date | None, name: str, first: date | None, notices: list[str]) -> date | None:
    """A date inside the span the data can show: before the data's first date or after
    LATEST_DATE it is moved to that end, and the page says so."""
    if value is None:
        return None
    if value > LATEST_DATE:
        notices.append(
            f"Clipped the “{name}” date {value.isoformat()} to {LATEST_DATE.isoformat()}: "
            f"no view reaches beyond {LATEST_DATE.year}."
        )
        return LATEST_DATE
    if first is not None and value < first:
        notices.append(
            f"Clipped the “{name}” date {value.isoformat()} to {first.isoformat()}: the data start then."
        )
        return first
    return value


def _years(raws: list[str], label: str, notices: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for raw in raws:
        if raw.isdigit() and FIRST_COHORT_YEAR <= int(raw) <= LAST_COHORT_YEAR:
            if raw not in kept:
                kept.append(raw)
        else:
            notices.append(
                f"Ignored {label} year “{_shorten(raw)}”: use a year from {FIRST_COHORT_YEAR} "
                f"to {LAST_COHORT_YEAR}, such as 2016."
            )
    return tuple(kept)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
