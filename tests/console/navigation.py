"""Waiting for the page a click leads to, in a real Chromium driven by selenium.

Why this exists: after a click on a form's submit button (or a link) Chromium keeps showing
the OLD document until the server's answer arrives; for a decision that is a POST, its
work, a 303 and the GET of the next page, which on a loaded machine takes a while. Nothing
in WebDriver says "the navigation is done", and the earlier waits guessed from the wrong
side:

- waiting for an element the new page has (a "done" banner, a state text) ends at once
  when the old page has one too (an earlier decision's banner), and the next lookup reads
  the old page or hits a stale element;
- waiting until an element of the old page "is gone" took any WebDriverException as proof.
  But Chromium also answers with plain WebDriverExceptions while the old document is still
  the one shown (a JavaScript context being torn down, "cannot determine loading status",
  a node "does not belong to the document" during the hand-over), so the wait could end
  early and the test read the old page again: the about-one-run-in-four failure.

The fix is a positive, per-document test: before the click the current document gets a
token (a JavaScript property of ``document``: invisible, not in the DOM, not in
``page_source``), and the wait ends only when the browser answers, in one script run, that
its document does NOT carry the token and has finished loading. Only a new document can say
that; every error on the way is just "ask again", never "done".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

_MARK = "__kioskTestPageToken"

_SET = f"document.{_MARK} = arguments[0];"
_IS_NEW_AND_LOADED = (
    f"return document.{_MARK} !== arguments[0] && document.readyState === 'complete';"
)


def mark_page(driver: WebDriver) -> str:
    """Tag the document shown now with a fresh token and return the token."""
    token = uuid.uuid4().hex
    driver.execute_script(_SET, token)
    return token


def is_new_page(driver: WebDriver, token: str) -> bool:
    """True only if the document shown is not the one tagged with ``token`` and has loaded."""
    return bool(driver.execute_script(_IS_NEW_AND_LOADED, token))


def wait_for_new_page(driver: WebDriver, token: str, what: str, timeout: float = 30) -> None:
    """Wait until the browser shows a fully loaded document other than the tagged one.

    Every WebDriverException while the pages change hands (stale nodes, destroyed
    JavaScript contexts, a document being replaced) only means "ask again": the wait ends
    on a positive answer from the new document or times out naming ``what``.
    """
    WebDriverWait(
        driver, timeout, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
    ).until(lambda d: is_new_page(d, token), message=f"timed out waiting for {what}")


def click_to_new_page(driver: WebDriver, click: Callable[[], None], what: str) -> None:
    """Run ``click`` (a submit button or link) and return once its page is shown and loaded."""
    token = mark_page(driver)
    click()
    wait_for_new_page(driver, token, what)
