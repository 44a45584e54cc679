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
    "regime": "regimes",
    "trust": "trusts",
    "metric": "metrics",
    "from": "date_from",
    "to": "date_to",
    "align": "align",
}

MULTI_KEYS = ("type", "group", "region", "regime", "trust", "metric")


@dataclass(frozen=True)
class KnownValues:
    """Values that exist in the data, to drop unknown regions, trusts and metrics."""

    regions: frozenset[str] = frozenset()
    trusts: frozenset[str] = frozenset()
    metrics: frozenset[str] = frozenset()


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

        regions: list[str] = []
        region_lookup = {r.lower(): r for r in (known.regions if known else ())}
        for raw in values.pop("region", []):
            if known is None:
                regions.append(raw)
            elif raw.lower() in region_lookup:
                regions.append(region_lookup[raw.lower()])
            else:
                notices.append(f"Ignored region “{_shorten(raw)}”: no trust is in that region.")
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
        pairs += [("regime", v) for v in self.regimes]
        pairs += [("trust", v) for v in self.trusts]
        pairs += [("metric", v) for v in self.metrics]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.align != "calendar":
            pairs.append(("align", self.align))
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
            regimes=tuple(sorted(self.regimes)),
            trusts=tuple(sorted(self.trusts)),
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
    def metric(self) -> str | None:
        return self.metrics[0] if self.metrics else None

    def trust_filters(self) -> Filters:
        """Only what selects trusts (for cache keys of trust-level queries)."""
        return Filters(
            types=tuple(sorted(self.types)),
            groups=tuple(sorted(self.groups)),
            regions=tuple(sorted(self.regions)),
            regimes=tuple(sorted(self.regimes)),
            trusts=tuple(sorted(self.trusts)),
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


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
