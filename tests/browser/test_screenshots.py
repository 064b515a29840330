"""Looks: the pair page puts the verdict first and follows the reader's colour scheme.

With VERSUS_SCREENSHOTS=1 the screenshots are written to docs/screenshots/, the
only ones the README and docs/ show (docs/testing.md, "Screenshots"); otherwise to a temporary folder, so the same code runs on every test run.
"""

import os

import pytest

from tests.browser.support import DESKTOP, PHONE, REFERENCE_PAIR, SCREENSHOTS

pytestmark = pytest.mark.xdist_group("browser")

_COLOURS_JS = """() => {
    const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const style = getComputedStyle(document.body);
    return {background: rgb(style.backgroundColor), text: rgb(style.color)};
}"""


def luminance(rgb: list[float]) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: list[float], other: list[float]) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: docs/screenshots/ when refreshing them, else a temp folder."""
    if os.environ.get("VERSUS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path


@pytest.mark.parametrize(
    ("device", "viewport", "scale", "height"),
    [("desktop", DESKTOP, 1, 1100), ("phone", PHONE, 2, 1500)],
)
def test_pair_page_shows_the_verdict_on_the_first_screen(
    new_page, shots, device, viewport, scale, height
):
    page = new_page(viewport=viewport, device_scale_factor=scale)
    page.goto(REFERENCE_PAIR)

    verdict = page.get_by_role("region", name="Verdict").bounding_box()
    assert verdict and verdict["y"] + 40 < viewport["height"], (
        f"on a {device} the verdict starts at {verdict and verdict['y']:.0f}px, "
        f"below the first screen ({viewport['height']}px)"
    )
    page.screenshot(
        path=shots / f"pair-{device}.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pair_page_follows_the_readers_colour_scheme(new_page, shots, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(REFERENCE_PAIR)

    colours = page.evaluate(_COLOURS_JS)
    background = luminance(colours["background"])
    assert background < 0.1 if scheme == "dark" else background > 0.8, (
        f"{scheme} scheme has a background of rgb{tuple(colours['background'])}"
    )
    assert contrast(colours["text"], colours["background"]) >= 7, (
        "body text should read easily (WCAG AAA, 7:1) in the " + scheme + " scheme"
    )
    if scheme == "dark":
        page.screenshot(
            path=shots / "pair-desktop-dark.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 1100},
        )
