"""Constants and helpers the browser tests share (fixtures live in conftest.py)."""

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = Path(__file__).resolve().parent
DEMO_CATALOG = ROOT / "catalog" / "fixtures" / "demo-catalog.json"
AXE_JS = BROWSER_TESTS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"

CHROMIUM = Path(os.environ.get("VERSUS_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's hosts,
# which a closed network refuses many times a second.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

# The reader's pages the suite walks through, by name: (path, HTTP status).
REFERENCE_PAIR = "/compare/gpt-4-1-mini-vs-grok-4-20/"
FOUR_MODELS = "claude-sonnet-4-5-vs-gemini-2-5-pro-vs-gpt-4-1-mini-vs-grok-4-20"
READER_PAGES = {
    "home": ("/", 200),
    "compare index": ("/compare/", 200),
    "pair": (REFERENCE_PAIR, 200),
    "model": ("/models/o3/", 200),  # the one with a price history
    "models list": ("/models/", 200),
    "vendor": ("/vendors/openai/", 200),
    "provider": ("/providers/openrouter/", 200),
    "benchmark": ("/benchmarks/swe-bench-verified/", 200),
    "search": ("/search/?q=gpt", 200),
    "vendors index": ("/vendors/", 200),
    "providers index": ("/providers/", 200),
    "benchmarks index": ("/benchmarks/", 200),
    "404": ("/compare/gpt-4-1-mini-vs-no-such-model/", 404),
    "four models": (f"/compare/{FOUR_MODELS}/", 200),
    "add a model": ("/compare/add/?m=gpt-4-1-mini&m=grok-4-20", 200),
}

EDITOR_USERNAME = "editor"
SERVER_START_TIMEOUT = 60  # seconds; a cold start on 2 busy cores takes about 5


# --- Helpers ---------------------------------------------------------------------


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return its violations of the given impacts."""
    if not AXE_JS.exists():
        if shutil.which("npm") is None:
            pytest.skip(
                "node/npm is not installed, so axe-core (tests/browser/package.json) "
                "cannot be installed: accessibility rules not checked"
            )
        pytest.fail(
            f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci --prefix tests/browser` "
            "(make install does it when npm exists)",
            pytrace=False,
        )
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in violations if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One readable paragraph per violation: rule, impact, help and the elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def foreign_requests(base_url: str, requests) -> list[str]:
    """The URLs of requests that left the site's own host (should be none)."""
    host = urllib.parse.urlsplit(base_url).netloc
    return [
        request.url
        for request in requests
        if urllib.parse.urlsplit(request.url).scheme in {"http", "https", "ws", "wss"}
        and urllib.parse.urlsplit(request.url).netloc != host
    ]


# Every element a keyboard user must be able to reach, if it is rendered.
CONTROLS_SELECTOR = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)

_TAG_CONTROLS_JS = """(selector) => {
    const rendered = (el) => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden' && !el.disabled
        && !el.closest('[inert]');
    const controls = [...document.querySelectorAll(selector)].filter(rendered);
    controls.forEach((el, i) => el.setAttribute('data-tab-check', String(i)));
    return controls.map((el) => ({
        index: String(el.getAttribute('data-tab-check')),
        radioGroup: el.type === 'radio' ? el.name : null,
        label: (el.getAttribute('aria-label') || el.textContent || el.name || el.id
                || el.outerHTML).trim().replace(/\\s+/g, ' ').slice(0, 60),
    }));
}"""

_FOCUSED_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect();
    return {
        index: el.getAttribute('data-tab-check'),
        onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
            && r.left < window.innerWidth && r.top < window.innerHeight,
        label: (el.getAttribute('aria-label') || el.textContent || el.name || el.tagName)
            .trim().replace(/\\s+/g, ' ').slice(0, 60),
    };
}"""


def tab_walk(page) -> tuple[list[str], list[str]]:
    """Press Tab through the page: (controls never focused, controls focused off-screen).

    Radio buttons count as one stop per group, as browsers tab to a group once.
    """
    controls = page.evaluate(_TAG_CONTROLS_JS, CONTROLS_SELECTOR)
    pending = {c["index"]: c for c in controls}
    groups = {c["radioGroup"]: [] for c in controls if c["radioGroup"]}
    for control in controls:
        if control["radioGroup"]:
            groups[control["radioGroup"]].append(control["index"])
    offscreen: list[str] = []
    first = None
    for _ in range(len(controls) + 20):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        if focused is None or focused["index"] is None:
            continue  # the address bar, or an element that is not a control
        if focused["index"] == first:
            break  # back at the start: every stop has been visited
        first = first or focused["index"]
        if not focused["onScreen"]:
            offscreen.append(focused["label"])
        control = pending.pop(focused["index"], None)
        if control and control["radioGroup"]:
            for index in groups[control["radioGroup"]]:
                pending.pop(index, None)
        if not pending:
            break
    return [c["label"] for c in pending.values()], offscreen


_TABLE_CELL_JS = """([caption, row, column]) => {
    const text = (el) => el.textContent.trim().replace(/\\s+/g, ' ');
    const table = [...document.querySelectorAll('table')]
        .find((t) => t.caption && text(t.caption).includes(caption));
    if (!table) return {error: `no table whose caption has "${caption}"`};
    const heads = [...table.querySelectorAll('thead th')].map(text);
    const index = heads.indexOf(column);
    if (index < 0) return {error: `no column "${column}" in ${JSON.stringify(heads)}`};
    const line = [...table.querySelectorAll('tbody tr')]
        .find((tr) => tr.children[0] && text(tr.children[0]) === row);
    if (!line) return {error: `no row "${row}" in the "${caption}" table`};
    return {text: text(line.children[index])};
}"""


def table_cell(page, caption: str, row: str, column: str) -> str:
    """The text of a table cell, found the way a reader finds it: caption, row, column."""
    found = page.evaluate(_TABLE_CELL_JS, [caption, row, column])
    if "error" in found:
        pytest.fail(found["error"], pytrace=False)
    return found["text"]


def tab_to(page, label: str, limit: int = 80) -> None:
    """Press Tab until the control labelled ``label`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_label(page) == label:
            return
    pytest.fail(f"Tab never reached a control labelled {label!r}", pytrace=False)


def focused_label(page) -> str:
    """The text of the label of the focused form control, or the control's own text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el && el.labels && el.labels[0];
            return ((label ? label.textContent : el && el.textContent) || '').trim();
        }"""
    )


def choose_with_arrow_keys(page, option: str, limit: int = 10) -> None:
    """In the focused picker combobox, type the name and arrow down to ``option``."""
    page.keyboard.type(option)
    page.locator("[role='combobox']:focus[aria-expanded='true']").wait_for()
    # The list answers the whole name typed, not a part of it (not busy).
    page.wait_for_function(
        """() => {
            const id = document.activeElement.getAttribute('aria-controls');
            const list = id && document.getElementById(id);
            return list && list.getAttribute('aria-busy') === 'false';
        }"""
    )
    for _ in range(limit):
        page.keyboard.press("ArrowDown")
        active = page.evaluate(
            """() => {
                const id = document.activeElement.getAttribute('aria-activedescendant');
                const option = id && document.getElementById(id);
                return option ? option.firstChild.textContent : null;
            }"""
        )
        if active == option:
            page.keyboard.press("Enter")
            return
    pytest.fail(f"no option {option!r} in the focused list", pytrace=False)
