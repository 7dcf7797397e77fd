"""The real browser: Debian's chromium driven by Selenium, axe-core's accessibility check, screenshots.

The browser is the one the system has (``/usr/bin/chromium`` and ``/usr/bin/chromedriver``, from the apt
packages ``chromium`` and ``chromium-driver``; ``TVA_FLOW_CHROMIUM`` and ``TVA_FLOW_CHROMEDRIVER`` point
elsewhere). Nothing is ever downloaded: Selenium Manager is told to stay offline, and without the two
binaries the browser tests skip and say why (``.ci/run`` installs them).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TVA_FLOW_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TVA_FLOW_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = ROOT / "src" / "tva_flow" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WINDOW = (1280, 900)
WAIT_SECONDS = 15

os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never fetch a browser or a driver


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in the dev extras: make test installs it)"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)) and not shutil.which(path):
            return f"no {path}: the browser tests need Debian's {package} (apt-get install chromium chromium-driver)"
    if not AXE.is_file():
        return f"no {AXE.relative_to(ROOT)}: run make vendor"
    return None


def make_driver(language: str = "fi"):
    """A headless chromium of a fixed window size whose preferred language is ``language``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--lang={language}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(*WINDOW)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver, condition, timeout: float = WAIT_SECONDS, message: str = ""):
    """What ``condition(driver)`` returns once it is truthy (selenium's WebDriverWait)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition, message)


def wait_for_css(driver, selector: str, timeout: float = WAIT_SECONDS):
    """The first element matching ``selector``, once there is one."""
    from selenium.webdriver.common.by import By

    return wait_for(driver, lambda d: (d.find_elements(By.CSS_SELECTOR, selector) or [None])[0], timeout,
                    f"nothing matched {selector!r} in {timeout} s on {driver.current_url}")


def console_errors(driver) -> list[str]:
    """The page's console messages of level SEVERE since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


_RUN_AXE = """
const [context, options, done] = arguments;
axe.run(context || document, options).then(
  (result) => done(result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary, html: n.html.slice(0, 300)}))}))),
  (error) => done({error: String(error)}));
"""


def axe_violations(driver, impacts=("serious", "critical"), context=None, rules: dict | None = None) -> list[dict]:
    """axe-core's violations on the current page (of the given impacts; all when ``impacts`` is None).

    The vendored ``axe.min.js`` is injected into the page; it checks WCAG 2.0/2.1 A and AA and axe's best
    practices. ``context`` limits it to a CSS selector; ``rules`` switches rules on or off by id.
    """
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["rules"] = {rule: {"enabled": bool(on)} for rule, on in rules.items()}
    found = driver.execute_async_script(_RUN_AXE, context, options)
    if isinstance(found, dict) and "error" in found:
        raise RuntimeError(f"axe-core failed: {found['error']}")
    return [v for v in found if impacts is None or v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """The violations as text for an assertion message: rule, impact, help and the elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        lines.extend(f"    {node['target']}: {node['summary']}" for node in v["nodes"][:5])
    return "\n".join(lines)


def screenshot(driver, name: str) -> Path:
    """Save the browser's view as ``docs/screenshots/<name>.png`` (for the README) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not driver.save_screenshot(str(path)):
        raise RuntimeError(f"chromium did not save a screenshot to {path}")
    return path
