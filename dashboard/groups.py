"""Evaluation groups: the rules live with the data layer, which must apply the CP rule to them."""

from data_access.groups import GROUP_RULES, PROLONGED_DAYS, derive_groups, episode_days, public_group

__all__ = ["GROUP_RULES", "PROLONGED_DAYS", "derive_groups", "episode_days", "public_group"]
