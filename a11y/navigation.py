"""Waiting for the page that a key press or a click leads to, in the journeys' tests."""

from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait


def gone(old: WebElement) -> bool:
    """Whether ``old``'s document has been replaced. Chromium sometimes reports an element of a
    document it is replacing as one that "does not belong to the document" instead of as stale
    (SeleniumHQ/selenium#15401): that is the same answer."""
    try:
        old.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def settled(driver: WebDriver, old: WebElement) -> None:
    """Wait until the page holding ``old`` has gone and its successor has loaded."""
    WebDriverWait(driver, 15).until(lambda _: gone(old))
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
