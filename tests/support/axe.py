"""axe-core in Chromium: the accessibility check every browser test can run on a page.

``assert_accessible(page)`` injects the vendored axe-core (tests/support/vendor/axe-core,
pinned, checked by hash) into the page Playwright has open, runs the WCAG 2.0/2.1/2.2 A and
AA rules and fails with one readable line per violation (rule, impact, the first nodes'
selectors and the help text), so a failure says what to fix without opening a browser.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


@cache
def _axe_source() -> str:
    data = AXE_JS.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise RuntimeError(f"{AXE_JS} is not the pinned axe-core (sha256 {digest})")
    return data.decode("utf-8")


def axe_violations(page: Any, *, tags: tuple[str, ...] = WCAG_AA_TAGS) -> list[dict[str, Any]]:
    """The violations axe-core finds on the page as it is now (after any script ran)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # add_script_tag would be refused by the portal's CSP; evaluate runs in the page's
        # main world through the DevTools protocol, which CSP does not govern.
        page.evaluate(_axe_source())
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        list(tags),
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(
            f"{violation['id']} ({violation.get('impact')}): {violation['help']} -> {'; '.join(targets)}"
            + (f" (+{len(violation['nodes']) - 3} more)" if len(violation["nodes"]) > 3 else "")
        )
    return "\n".join(lines)


def assert_accessible(page: Any, *, label: str = "", tags: tuple[str, ...] = WCAG_AA_TAGS) -> None:
    """Fail when axe-core reports any WCAG A/AA violation on the page Playwright has open."""
    violations = axe_violations(page, tags=tags)
    where = label or page.url
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {where}:\n{describe(violations)}"
    )
