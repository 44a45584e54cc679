"""Importing this package registers every callback with dash's global registry."""

from callbacks import (  # noqa: F401
    costs,
    data_page,
    frame,
    groups,
    impact,
    interventions,
    monitoring,
    overview,
    shell,
    timelines,
    trajectories,
    trust,
)
