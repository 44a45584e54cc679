"""Invented trusts: codes no real trust has, made-up names, the real mix of types and regions,
and the plan of each trust's history (`TrustPlan`) that the other modules fill in and write out."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from data_access.demo.common import RI
from data_access.vocab import INTENSIVE_REGIMES, SPELL_GAP_DAYS

TRUSTS_AT_SCALE_1 = 217

# Shares of trust types among NHS trusts in England (about 10 ambulance trusts at scale 1).
TYPE_SHARES: dict[str, float] = {
    "acute": 0.45,
    "acute_and_community": 0.25,
    "mental_health": 0.13,
    "community": 0.06,
    "ambulance": 0.046,
    "specialist": 0.064,
}

# NHS England regions, weighted roughly by how many trusts each has.
REGION_WEIGHTS: dict[str, float] = {
    "London": 0.17,
    "South East": 0.15,
    "South West": 0.10,
    "Midlands": 0.18,
    "East of England": 0.09,
    "North West": 0.15,
    "North East and Yorkshire": 0.16,
}


@dataclass
class Episode:
    regime: str
    start: dt.date
    end: dt.date | None
    notes: str


@dataclass(frozen=True)
class Spell:
    """Intensive-support episodes (SMQ, RSP) of one trust joined as contract §2 joins them."""

    start: dt.date
    end: dt.date | None
    entry_regime: str  # the regime it started in
    exit_regime: str  # the regime it ended (or is still) in


@dataclass
class Inspection:
    published: dt.date
    overall: str
    kind: str  # pre_entry, reinspection, post_exit, cp_trigger, routine


@dataclass
class TrustPlan:
    """One trust and the history it is given; `group` is the §3 group its rows must produce."""

    index: int
    code: str
    name: str
    trust_type: str
    region: str
    setting: str
    teaching: bool
    quality: float  # latent quality: drives ratings and the trust's metric levels
    size: float  # relative size: drives counts and denominators
    group: str = "never"
    variant: str = ""
    story_number: int = 0  # k-th trust given its story, for deterministic variations
    first_wave: bool = False
    override: str | None = None
    episodes: list[Episode] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    # Overall ratings allowed after the final exit from intensive support (or after CP for cp_only), and weights.
    after_ratings: tuple[tuple[str, ...], tuple[float, ...]] = ((RI, "good"), (0.5, 0.5))

    @property
    def cp(self) -> list[Episode]:
        return [e for e in self.episodes if e.regime == "cp"]

    @property
    def intensive(self) -> list[Episode]:
        """SMQ and RSP episodes, in date order."""
        return sorted((e for e in self.episodes if e.regime in INTENSIVE_REGIMES), key=lambda e: e.start)

    @property
    def spells(self) -> list[Spell]:
        """Intensive-support spells: an episode starting within 31 days of the last one's end continues it."""
        out: list[Spell] = []
        for e in self.intensive:
            last = out[-1] if out else None
            if last is not None and (last.end is None or e.start <= last.end + dt.timedelta(SPELL_GAP_DAYS)):
                end = None if last.end is None or e.end is None else max(last.end, e.end)
                out[-1] = Spell(last.start, end, last.entry_regime, e.regime)
            else:
                out.append(Spell(e.start, e.end, e.regime, e.regime))
        return out


def trust_code(i: int) -> str:
    """Codes that no real trust has: real ODS trust codes start with R or T.

    Z001..Z999, then Z + letter + two digits (ZA00..ZZ99), then Z + two letters + digit.
    """
    if i < 1:
        raise ValueError("trust numbers start at 1")
    if i <= 999:
        return f"Z{i:03d}"
    j = i - 1000
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if j < 26 * 100:
        return f"Z{letters[j // 100]}{j % 100:02d}"
    j -= 26 * 100
    if j < 26 * 26 * 10:
        return f"Z{letters[j // 260]}{letters[(j // 10) % 26]}{j % 10}"
    raise ValueError("too many trusts for the demo code scheme (scale above about 47)")


# fmt: off
_ROOTS = (
    "Brack", "Wex", "Quen", "Thrim", "Vard", "Skel", "Oster", "Grend", "Morv", "Calv", "Yarn", "Hask",
    "Lorn", "Pell", "Rusk", "Sorr", "Tarn", "Vell", "Wynd", "Zell", "Dask", "Fald", "Glim", "Harro",
    "Jess", "Kell", "Lusk", "Mirr", "Nolv", "Orm", "Pask", "Quill", "Rav", "Stren", "Tull", "Ulve",
    "Wend", "Brisk", "Cresk", "Drel", "Emb", "Fenn", "Gorse", "Hob", "Ild", "Kest", "Marr", "Nest",
    "Pim", "Rell", "Treg", "Umber", "Varr", "Wisk", "Yell", "Brem", "Cogg", "Druv", "Elder", "Frith",
    "Garth", "Heth", "Ivel", "Kirr", "Lom", "Mab",
)
_ENDINGS = (
    "moor", "ley", "ford", "bury", "wick", "stead", "mere", "thwaite", "combe", "holm", "by", "hurst",
    "den", "well", "gate", "field", "ton", "worth", "dale", "brook", "ham", "ridge",
)
# fmt: on
_QUALIFIERS = ("Vale", "Valley", "Downs", "Coast", "Forest", "Marches", "Wolds", "Fens", "Moors", "Heath")

_NAME_FORMS: dict[str, tuple[str, ...]] = {
    "acute": (
        "{p} Hospitals NHS Foundation Trust",
        "{p} Hospitals NHS Trust",
        "{p} General Hospital NHS Trust",
        "{p} and District Hospitals NHS Foundation Trust",
    ),
    "acute_and_community": (
        "{p} Healthcare NHS Foundation Trust",
        "{p} Health and Care NHS Foundation Trust",
        "{p} Integrated Care NHS Trust",
        "{p} Hospitals and Community NHS Trust",
    ),
    "mental_health": (
        "{p} Mental Health NHS Foundation Trust",
        "{p} Mental Health NHS Trust",
        "{p} Mental Health and Wellbeing NHS Foundation Trust",
    ),
    "community": ("{p} Community Health NHS Trust", "{p} Community Healthcare NHS Trust"),
    "ambulance": ("{p} Ambulance Service NHS Trust", "{p} Ambulance Service NHS Foundation Trust"),
    "specialist": (
        "{p} Children's Hospital NHS Foundation Trust",
        "{p} Heart and Chest Hospital NHS Foundation Trust",
        "{p} Orthopaedic Hospital NHS Foundation Trust",
        "{p} Eye Hospital NHS Foundation Trust",
        "{p} Cancer Centre NHS Foundation Trust",
    ),
}
_TEACHING_FORMS = ("University Hospitals of {p} NHS Foundation Trust", "{p} University Hospitals NHS Trust")


def _place(rng: np.random.Generator) -> str:
    """A made-up English-sounding place: root + ending, sometimes with a qualifier or a pair."""

    def word() -> str:
        root = _ROOTS[rng.integers(len(_ROOTS))]
        ending = _ENDINGS[rng.integers(len(_ENDINGS))]
        if root[-1] == ending[0]:  # "Pell" + "ley" reads badly
            ending = ending[1:]
        return root + ending

    draw = rng.random()
    if draw < 0.25:
        return f"{word()} {_QUALIFIERS[rng.integers(len(_QUALIFIERS))]}"
    if draw < 0.37:
        return f"{word()} and {word()}"
    return word()


def _trust_names(rng: np.random.Generator, types: Sequence[str], teaching: Sequence[bool]) -> list[str]:
    """Unique invented names whose suffix matches the trust type; places are unique too."""
    places: set[str] = set()
    names = []
    for trust_type, is_teaching in zip(types, teaching, strict=True):
        place = _place(rng)
        while place in places:
            place = _place(rng)
        places.add(place)
        forms = _TEACHING_FORMS if is_teaching and trust_type == "acute" else _NAME_FORMS[trust_type]
        names.append(forms[rng.integers(len(forms))].format(p=place))
    return names


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split `total` by `shares` (largest remainder), giving every key at least one if possible."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(math.floor(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[k] += 1
    if total >= len(shares):
        for k in counts:
            if counts[k] == 0:
                largest = max(counts, key=lambda c: counts[c])
                counts[largest] -= 1
                counts[k] = 1
    return counts


def scaled(count: int, scale: float) -> int:
    return max(1, int(round(count * scale)))


def make_trusts(rng: np.random.Generator, scale: float, at_least: int = 0) -> list[TrustPlan]:
    """About 217 x `scale` trusts (and no fewer than `at_least`) with types, regions and names."""
    n = max(int(round(TRUSTS_AT_SCALE_1 * scale)), at_least)
    type_counts = _allocate(n, TYPE_SHARES)
    types = np.array([t for t, c in type_counts.items() for _ in range(c)], dtype=object)
    rng.shuffle(types)

    regions = list(REGION_WEIGHTS)
    region_p = np.array(list(REGION_WEIGHTS.values()))
    region = rng.choice(len(regions), size=n, p=region_p / region_p.sum())
    teaching_p = {"acute": 0.35, "acute_and_community": 0.2, "specialist": 0.5, "mental_health": 0.08}
    teaching = [bool(rng.random() < teaching_p.get(t, 0.0)) for t in types]
    names = _trust_names(rng, list(types), teaching)
    size_base = {
        "acute": 1.0,
        "acute_and_community": 1.2,
        "mental_health": 0.6,
        "community": 0.5,
        "ambulance": 2.0,
        "specialist": 0.4,
    }

    plans = []
    for i in range(n):
        region_name = regions[region[i]]
        if region_name == "London":
            setting = "urban" if rng.random() < 0.92 else "semi_urban"
        elif types[i] == "ambulance":
            setting = "semi_urban" if rng.random() < 0.6 else "rural"
        else:
            setting = ("urban", "semi_urban", "rural")[rng.choice(3, p=[0.45, 0.35, 0.20])]
        plans.append(
            TrustPlan(
                index=i,
                code=trust_code(i + 1),
                name=names[i],
                trust_type=str(types[i]),
                region=region_name,
                setting=setting,
                teaching=teaching[i],
                quality=float(rng.normal(0.3, 0.8)),
                size=float(size_base[str(types[i])] * rng.lognormal(0.0, 0.3)),
            )
        )

    return plans
