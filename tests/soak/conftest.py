import pytest


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-soak"):
        return
    skip = pytest.mark.skip(reason="soak tests run with `make soak` (--run-soak)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
