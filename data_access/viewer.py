"""Who is looking: the role rule of the contract (§5) starts here."""

from __future__ import annotations

from dataclasses import dataclass

from data_access.vocab import FULL_ACCESS_ROLES, ROLES


@dataclass(frozen=True)
class Viewer:
    """The caller of every query. Frozen and hashable so it can be part of a cache key.

    public sees no CP information; an improvement director sees everything for `trusts`
    and the public view of the rest; regulator, analyst and admin see everything.
    """

    role: str = "public"
    trusts: frozenset[str] = frozenset()
    username: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        object.__setattr__(self, "trusts", frozenset(t.upper() for t in self.trusts))

    @property
    def sees_everything(self) -> bool:
        return self.role in FULL_ACCESS_ROLES

    @property
    def sees_any_cp(self) -> bool:
        """Whether any CP information is shown: everything, or an improvement director's own trusts."""
        return self.sees_everything or bool(self.trusts)

    def sees_cp_of(self, trust_code: str) -> bool:
        return self.sees_everything or (
            self.role == "improvement_director" and trust_code.upper() in self.trusts
        )

    @property
    def may_import(self) -> bool:
        return self.role == "admin"

    def cache_key(self) -> str:
        """Only what changes the answer: two regulators share cached results."""
        if self.sees_everything:
            return "all"
        if self.role == "improvement_director" and self.trusts:
            return "id:" + ",".join(sorted(self.trusts))
        return "public"

    def __repr__(self) -> str:  # used by the memoize key
        return f"Viewer({self.cache_key()})"


PUBLIC = Viewer()
EVERYTHING = Viewer(role="analyst")
