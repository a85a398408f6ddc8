"""The running app in headless Chromium: every page loads and draws its graph.

`toxicpath ui` starts on a free loopback port as a subprocess; Selenium
drives Debian's chromium and chromedriver. Screenshots go to
$TOXICPATH_ARTIFACTS/screenshots (default: artifacts/screenshots in the repo).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from toxicpath.findings.evaluate import (
    evaluate_store,
    history_for_store,
    record_evaluation,
)
from toxicpath.graph.open import open_store
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.pipeline import scan_inputs

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WEB_ROLE = "arn:aws:iam::210987654321:role/web-server-role"
STARTUP_SECONDS = 90
PAGE_SECONDS = 90
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1400,1100",
)

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "chromium is not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses with a listening TCP socket on `port`."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        lines = Path(table).read_text(encoding="ascii").splitlines()[1:]
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":
                addresses.add(address)
    return addresses


@pytest.fixture(scope="module")
def screenshot_dir() -> Path:
    root = Path(os.environ.get("TOXICPATH_ARTIFACTS", REPO_ROOT / "artifacts"))
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Findings the app fixture recorded in the history, for the scans page check.
RECORDED_FINDINGS: list[int] = []


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("browser-store")
    spec = str(folder / "graph.lbdb")
    scan_inputs([demo_estate_path()], store_spec=spec)
    store = open_store(spec, read_only=True)
    try:
        evaluation = evaluate_store(store)
    finally:
        store.close()
    record_evaluation(history_for_store(spec), evaluation)
    RECORDED_FINDINGS.append(len(evaluation.findings))
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "toxicpath"),
        "ui",
        "--store",
        spec,
        "--port",
        str(port),
    ]
    log = (folder / "ui.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = (folder / "ui.log").read_text(encoding="utf-8")
                    pytest.fail(f"toxicpath ui did not start on {url}:\n{output}")
                time.sleep(0.5)
        yield url, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(PAGE_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: WebDriver, text: str) -> None:
    WebDriverWait(driver, PAGE_SECONDS).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text
    )


def wait_for_graph(driver: WebDriver) -> None:
    """Wait until the neo4j-viz component inside the app's iframe drew its canvas."""
    frame = WebDriverWait(driver, PAGE_SECONDS).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "iframe[srcdoc]")
        )
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", frame)
    driver.switch_to.frame(frame)
    try:
        WebDriverWait(driver, PAGE_SECONDS).until(
            expected_conditions.presence_of_element_located((By.TAG_NAME, "canvas"))
        )
        heights = [
            c.size["height"] for c in driver.find_elements(By.TAG_NAME, "canvas")
        ]
        assert max(heights) > 100
    finally:
        driver.switch_to.default_content()
    # The force layout settles in the second after the canvas appears.
    time.sleep(2)


def wait_for_table(driver: WebDriver) -> None:
    """Wait until a table drew its grid canvas, so screenshots show its rows."""
    WebDriverWait(driver, PAGE_SECONDS).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "[data-testid='stDataFrame'] canvas")
        )
    )
    time.sleep(1)


def visible_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_server_listens_on_loopback(app_url: tuple[str, int]) -> None:
    _, port = app_url
    addresses = listening_addresses(port)
    assert addresses
    assert addresses == {"0100007F"}


def test_overview_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/")
    wait_for_text(browser, "Open findings by severity")
    wait_for_text(browser, "Scans recorded: 1.")
    chart = WebDriverWait(browser, PAGE_SECONDS).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")
        )
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", chart)
    browser.save_screenshot(str(screenshot_dir / "overview.png"))
    text = visible_text(browser)
    assert "Identities with a path to admin" in text
    assert "Internet-exposed resources" in text


def test_attack_paths_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/attack-paths")
    wait_for_text(browser, "Path to show")
    wait_for_graph(browser)
    browser.save_screenshot(str(screenshot_dir / "attack-paths.png"))
    text = visible_text(browser)
    assert "paths" in text
    assert "partner-integration" in text


def test_blast_radius_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/blast-radius?node={WEB_ROLE}")
    wait_for_text(browser, "web-server-role reaches")
    wait_for_graph(browser)
    browser.save_screenshot(str(screenshot_dir / "blast-radius.png"))
    text = visible_text(browser)
    assert "Becomes admin of account(s) 210987654321" in text
    assert "larkspur-customer-data" in text


def test_choke_points_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/choke-points")
    wait_for_text(browser, "of path risk")
    browser.save_screenshot(str(screenshot_dir / "choke-points.png"))
    assert "Fix these 5 things" in visible_text(browser)


def test_findings_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/findings")
    wait_for_text(browser, "Accept or suppress a finding")
    wait_for_text(browser, "Download JSON")
    wait_for_text(browser, "Record decision")
    wait_for_table(browser)
    browser.save_screenshot(str(screenshot_dir / "findings.png"))
    text = visible_text(browser)
    assert "Download CSV" in text
    assert "Download JSON" in text


def test_console_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/console")
    wait_for_text(browser, "Cypher console")
    button = WebDriverWait(browser, PAGE_SECONDS).until(
        expected_conditions.element_to_be_clickable(
            (By.XPATH, "//button[normalize-space()='Run']")
        )
    )
    button.click()
    wait_for_text(browser, " rows")
    tab = browser.find_element(By.XPATH, "//*[@role='tab'][contains(., 'Graph')]")
    tab.click()
    wait_for_graph(browser)
    browser.save_screenshot(str(screenshot_dir / "console.png"))
    assert "rows" in visible_text(browser)


def test_scans_page(
    app_url: tuple[str, int], browser: WebDriver, screenshot_dir: Path
) -> None:
    url, _ = app_url
    browser.get(f"{url}/scans")
    wait_for_text(browser, "Comparing needs two recorded scans.")
    wait_for_table(browser)
    browser.save_screenshot(str(screenshot_dir / "scans.png"))
    text = visible_text(browser)
    assert "Compare two scans" in text
    # The count the fixture recorded, so new rules do not break this page test.
    assert f"{RECORDED_FINDINGS[-1]} findings" in text
