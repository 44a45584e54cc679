"""Every page, for the public and for an analyst, writes numbers and dates the UK way.

The words a person sees (not inputs, not addresses) are read from the drawn page, charts and
tables included, and must hold no count with a spurious ".0" ("709.0"), no ISO date
("2016-03-01"), no month-first date ("03/15/2016") and no day with a leading zero ("05 Mar").
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import goto, login, page_paths

# Every text node of the page a person can see, apart from what they type.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!element || element.closest('input, textarea, select, script, style, noscript, [hidden], .smq-visually-hidden')) continue;
    const text = walker.currentNode.textContent.trim();
    if (text) out.push(text);
  }
  return out;
}"""

# A whole number written with ".0" (not a percentage, not one figure among others to one decimal,
# not a version such as "CC0 1.0").
POINT_ZERO = re.compile(r"(?<![\d.])\d[\d,]*\.0(?![\d%])")
ONE_DECIMAL = re.compile(r"(?<![\d.])\d[\d,]*\.[1-9]\d*")
VERSION = re.compile(r"\b[A-Za-z]+\d* \d+\.\d+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTH_FIRST = re.compile(r"\b\d{1,2}/(1[3-9]|2\d|3[01])/\d{4}\b")
LEADING_ZERO_DAY = re.compile(r"\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")

PATHS = [*page_paths(), "/trajectories?trust={code}", "/monitoring?trust={code}"]


def problems(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        bare = VERSION.sub("", text)
        if POINT_ZERO.search(bare) and not ONE_DECIMAL.search(bare):
            found.append(f"a count with '.0': {text[:120]!r}")
        for name, pattern in (
            ("an ISO date", ISO_DATE),
            ("a month-first date", MONTH_FIRST),
            ("a day with a leading zero", LEADING_ZERO_DAY),
        ):
            if pattern.search(text):
                found.append(f"{name}: {text[:120]!r}")
    return found


def test_the_check_finds_what_it_is_for():
    assert problems(["1,638.0 (Mar 2026)", "2016-03-01", "03/15/2016", "since 05 Mar 2025"]) == [
        "a count with '.0': '1,638.0 (Mar 2026)'",
        "an ISO date: '2016-03-01'",
        "a month-first date: '03/15/2016'",
        "a day with a leading zero: 'since 05 Mar 2025'",
    ]
    assert not problems(["1,638 (Mar 2026)", "95.0%", "latest 77.0, mean 87.4", "CC0 1.0", "01/03/2016"])


@pytest.mark.parametrize("role", ["public", "analyst"])
def test_every_page_writes_numbers_and_dates_the_uk_way(page, app_server, role):
    if role != "public":
        login(page, app_server, role)
    code = app_server.director_trusts[0]
    found = []
    for path in PATHS:
        goto(page, app_server, path.format(code=code), timeout=60_000)
        found += [f"{path}: {problem}" for problem in problems(page.evaluate(VISIBLE_TEXT))]
    assert not found, "\n".join(found[:30])
