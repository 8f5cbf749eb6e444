"""Moving about a page as a keyboard user does: Tab to a thing, then Enter or Space."""

from playwright.sync_api import Locator, Page

MAX_TABS = 80


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has focus, and check that a person could see that it has."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert has_visible_focus(target), f"no visible focus on {target}"
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


def has_visible_focus(target: Locator) -> bool:
    return target.evaluate(
        """el => {
          const style = getComputedStyle(el);
          const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
          return outline || (style.boxShadow && style.boxShadow !== "none");
        }"""
    )


def activate(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a link or button and press Enter (or Space), waiting for the next page."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)
