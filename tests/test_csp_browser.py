"""Every page works under the Content-Security-Policy, in headless Chromium: no inline script but
Dash's own (by hash), no violation reported, the charts drawn; an injected inline script is
refused."""

from __future__ import annotations

import pytest
import requests

from tests.browser.helpers import AXE, goto, login, page_paths

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = page_paths(sign_in=True)
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_the_policy_allows_no_inline_script_but_dashs_own(app_server):
    policy = requests.get(app_server.url + "/", timeout=30).headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert script_src.count("'sha256-") >= 1  # Dash's renderer start-up script, by hash
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def _violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "analyst"])
def test_every_page_runs_under_the_policy(page, app_server, signed_in):
    page.context.add_init_script(RECORD_VIOLATIONS)
    if signed_in:
        login(page, app_server, "analyst")
    for path in PAGES:
        goto(page, app_server, path.format(code=app_server.director_trusts[0]))
        assert _violations(page) == [], (path, _violations(page))
        if path in ("/", "/timelines", "/interventions", "/costs"):
            assert page.locator(".js-plotly-plot").count() >= 1, f"no chart drawn on {path}"
    # A single trust's trajectory (its SPC chart too) runs without eval as well.
    goto(page, app_server, f"/trajectories?trust={app_server.director_trusts[0]}")
    assert _violations(page) == []
    # Tools a test injects run through the debugger protocol, which the policy does not govern.
    page.evaluate(AXE.read_text())
    assert page.evaluate("() => typeof axe") == "object"


def test_an_injected_inline_script_is_refused(browser, app_server):
    context = browser.new_context(base_url=app_server.url, bypass_csp=False)
    try:
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.goto(app_server.url + "/")
        page.wait_for_load_state("networkidle")
        page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.__injected = true;'; document.body.appendChild(s); }"""
        )
        assert page.evaluate("() => window.__injected === true") is False
        assert any(v.startswith("script-src") for v in _violations(page)), _violations(page)
    finally:
        context.close()
