"""The web app in a real browser: Debian's Chromium, headless, driven by selenium and chromedriver.

The server is the real app under uvicorn, in a thread, on 127.0.0.1 and a free port, over the
store of ``tests/test_web.py`` (``examples/`` plus a hostile article and a map article). The
tests click through as an analyst would (stories list, story, citation, document, fact, search,
map) and prove that the hostile article's script never runs: its payloads set
``window.__pwned`` and call ``alert``, and neither happens on any page. The browser's console
must show no error at all, so no resource of ours was blocked by the Content-Security-Policy.

Screenshots of each step go to ``$NEWSLEDGER_SCREENSHOTS`` (default: the pytest temporary
folder, printed at the end); they are test artifacts, never committed. Without Chromium the
tests are skipped locally and fail on CI (``CI`` set), where the browser is part of the set-up.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsledger import pipeline
from newsledger.web.app import create_app
from test_web import GEO, HOSTILE_OUTLET, HOSTILE_TITLE, build_store, fake_briefing

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)
WAIT = 20.0


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = f"Chromium is needed for the browser tests: missing {', '.join(missing)} (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.getbasetemp() / "web-store")


@pytest.fixture(scope="module")
def base_url(store_db: str) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 and a free port, for as long as the module runs."""
    _require_browser()
    import uvicorn

    real = hasattr(pipeline, "build_briefing")  # the stand-in only until the stage lands
    app = create_app(store_db, briefing=None if real else fake_briefing)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(
        os.environ.get("NEWSLEDGER_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# --- helpers ------------------------------------------------------------------------------------


def wait_for(driver: Any, css: str) -> Any:
    """The first element matching ``css`` once the page has it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def find_all(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, css))


def console_errors(driver: Any) -> list[str]:
    """Console entries since the last call that are errors, or mention the CSP at all."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]


def assert_nothing_ran(driver: Any) -> None:
    """No payload executed: the flag is unset, no dialog is open, nothing injected is there."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        pass
    else:
        text = alert.text
        alert.dismiss()
        pytest.fail(f"an alert opened: {text!r}")
    assert driver.execute_script("return window.__pwned === undefined") is True
    assert find_all(driver, "script") == []
    injected = "img[src='x'], img[onerror], svg[onload], a[href^='javascript'], [onclick], [onload]"
    assert find_all(driver, injected) == []


def in_view(driver: Any, element: Any) -> bool:
    return bool(
        driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.width > 0 && r.height > 0 && r.top >= 0 && r.top < window.innerHeight;",
            element,
        )
    )


def background(driver: Any, element: Any) -> str:
    return str(
        driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", element)
    )


# --- tests --------------------------------------------------------------------------------------


def test_an_analyst_clicks_from_the_stories_to_a_highlighted_source(
    browser: Any, base_url: str, shots: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(base_url + "/")
    wait_for(browser, "table.stories")
    rows = find_all(browser, "table.stories tbody tr")
    assert len(rows) == 7
    dam = rows[0]  # the biggest story first
    assert dam.find_element(By.CSS_SELECTOR, "td.documents").text == "11"
    browser.save_screenshot(str(shots / "1-stories.png"))

    dam.find_element(By.CSS_SELECTOR, "a.story-link").click()
    wait_for(browser, "#key-figures")
    facts = find_all(browser, "#key-figures article.fact")
    assert facts, "the dam story has key figures"
    assert find_all(browser, "#key-figures .badge")
    assert find_all(browser, "ol.timeline li"), "the timeline has events"
    charts = find_all(browser, "figure.chart img")
    assert charts, "values over time are charted"
    for chart in charts:
        assert browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", chart
        )
    story_url = browser.current_url
    browser.save_screenshot(str(shots / "2-story.png"))

    cite = find_all(browser, "a.cite")[0]
    cite.click()
    cited = wait_for(browser, "mark#cited")
    assert cited.is_displayed() and cited.text.strip()
    assert in_view(browser, cited), "the page scrolled to the cited span"
    assert background(browser, cited) not in ("rgba(0, 0, 0, 0)", "transparent"), (
        "style.css applied"
    )
    figures = [m for m in find_all(browser, ".body mark.quantity") if m.is_displayed()]
    assert figures and background(browser, figures[0]) not in ("rgba(0, 0, 0, 0)", "transparent")
    browser.save_screenshot(str(shots / "3-document-cited-span.png"))

    browser.get(story_url)
    wait_for(browser, "a.fact-link").click()
    evidence = wait_for(browser, "blockquote.excerpt mark.cited")
    assert evidence.is_displayed()
    browser.save_screenshot(str(shots / "4-fact.png"))

    box = wait_for(browser, "form.quick-search input[name=q]")
    box.send_keys("Hallorann", Keys.ENTER)
    wait_for(browser, "ol.results")
    hits = find_all(browser, "ol.results li.hit")
    assert len(hits) >= 10
    assert {m.text for m in find_all(browser, "mark.hit")} == {"Hallorann"}
    assert "Piet Hallorann" in browser.find_element(By.CSS_SELECTOR, "ol.results").text
    browser.save_screenshot(str(shots / "5-search.png"))

    browser.get(base_url + "/search")
    found = [
        row for row in find_all(browser, "select[name=story] option") if GEO["title"] in row.text
    ]
    assert found
    browser.get(base_url + "/map/" + str(found[0].get_attribute("value")))
    svg = wait_for(browser, "figure.map svg")
    assert svg.is_displayed()
    assert len(find_all(browser, "svg circle.place")) == 3
    browser.save_screenshot(str(shots / "6-map.png"))
    assert console_errors(browser) == []


def test_the_hostile_article_never_runs_anything(browser: Any, base_url: str, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    wait_for(browser, "table.stories")
    assert_nothing_ran(browser)
    link = next(a for a in find_all(browser, "a.story-link") if a.text == HOSTILE_TITLE)
    link.click()
    wait_for(browser, "h1")
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
    assert_nothing_ran(browser)
    story_url = browser.current_url
    pages = [story_url, *[a.get_attribute("href") for a in find_all(browser, "a.fact-link")]]
    pages += [a.get_attribute("href") for a in find_all(browser, "#documents a")]
    pages += [base_url + "/search?q=Vexbridge+boats", base_url + "/search?q=pwned"]
    for number, url in enumerate(dict.fromkeys(pages)):
        browser.get(url)
        wait_for(browser, "main")
        assert_nothing_ran(browser)
        browser.save_screenshot(str(shots / f"7-hostile-{number}.png"))
    document = next(u for u in pages if "/documents/" in u)
    browser.get(document)
    assert wait_for(browser, "h1.doc-title").text == HOSTILE_TITLE
    assert HOSTILE_TITLE in browser.title  # the title element was not broken out of
    outlet = browser.find_element(By.CSS_SELECTOR, "dl.metadata dd a")
    assert outlet.text == HOSTILE_OUTLET
    outlet.click()
    wait_for(browser, "h1")
    assert HOSTILE_OUTLET in browser.find_element(By.TAG_NAME, "h1").text
    assert_nothing_ran(browser)
    assert console_errors(browser) == []


def test_the_policy_blocks_injected_inline_script(browser: Any, base_url: str) -> None:
    """The CSP header is in force: a script element added to the page is refused."""
    browser.get(base_url + "/")
    wait_for(browser, "main")
    console_errors(browser)  # start from an empty log
    browser.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__probe = 1'; document.body.appendChild(s);"
    )
    time.sleep(0.2)
    assert browser.execute_script("return window.__probe === undefined") is True
    assert any("Content Security Policy" in m for m in console_errors(browser))


def test_screenshots_were_saved(browser: Any, shots: Path) -> None:
    saved = sorted(p.name for p in shots.glob("*.png"))
    print(f"\nscreenshots in {shots}: {', '.join(saved)}")
    assert {"1-stories.png", "2-story.png", "3-document-cited-span.png", "5-search.png"} <= set(
        saved
    )
