"""Drives a service's /docs in headless chromium, as APIExplorerTests asks.

    python api_explorer.py BASE_URL EXPECTED_OPERATIONS SCREENSHOT_PNG PROFILE_DIR

Waits for Swagger UI to render the operation list, expands GET /health, clicks "Try it out"
and "Execute", reads the live response's status from the page, saves a screenshot and prints
one JSON object: what rendered, what the response showed, and every URL the page reached or
links to outside the service, with any Content-Security-Policy violation the browser reported.
Exits 1 (after printing what it saw) when a step times out or fails.
"""

import json
import shutil
import sys
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

# Generous: the machine may be busy building and testing beside this.
STEP_SECONDS = 60

base_url, expected_operations, screenshot, profile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))

options = webdriver.ChromeOptions()
options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
for argument in (
    "--headless=new",
    # The tests run as root, where chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1280,2400",
    f"--user-data-dir={profile}",
    "--no-first-run",
    "--disable-extensions",
    # Keeps the browser's own traffic (updates, safe browsing) from counting as the page's.
    "--disable-background-networking",
    "--disable-component-update",
):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"))
driver.set_page_load_timeout(STEP_SECONDS)
wait = WebDriverWait(driver, STEP_SECONDS)
summary = {"operations_expected": expected_operations}
step = "start"
try:
    # Recorded from the first script on, so a violation while the page loads is seen too.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", function (event) {
            window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
        });
    """})
    step = "load /docs"
    driver.get(base_url + "/docs")
    summary["title"] = driver.title

    step = "render the operation list"
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= expected_operations)
    summary["operations_rendered"] = len(driver.find_elements(By.CSS_SELECTOR, ".opblock"))
    summary["paths_rendered"] = sorted({e.get_attribute("data-path") for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")})

    step = "expand GET /health"
    health_xpath = "//div[contains(@class,'opblock-get')][.//*[contains(@class,'opblock-summary-path') and @data-path='/health']]"
    block = wait.until(ready.presence_of_element_located((By.XPATH, health_xpath)))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", block)
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()

    step = "click Try it out"
    wait.until(lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()

    step = "click Execute"
    wait.until(lambda d: block.find_elements(By.CSS_SELECTOR, "button.execute"))
    block.find_element(By.CSS_SELECTOR, "button.execute").click()

    step = "wait for the live response"
    status_cell = ".live-responses-table .response .response-col_status"
    wait.until(lambda d: any(e.text.strip() for e in block.find_elements(By.CSS_SELECTOR, status_cell)))
    summary["status_shown"] = block.find_element(By.CSS_SELECTOR, status_cell).text.strip()
    bodies = block.find_elements(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre")
    summary["response_body"] = bodies[0].text[:500] if bodies else ""
    step = "done"
except TimeoutException:
    summary["error"] = f"timed out after {STEP_SECONDS} s at: {step}"
except WebDriverException as error:
    summary["error"] = f"{type(error).__name__} at: {step}: {error.msg}"
finally:
    summary["step"] = step
    driver.execute_script("window.scrollTo(0, 0)")
    summary["screenshot_saved"] = driver.save_screenshot(screenshot)
    reached = driver.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })") or []
    linked = driver.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]')).map(function (e) { return e.src || e.href; })"
    ) or []
    summary["resources"] = sorted(set(reached))
    summary["external_urls"] = sorted({url for url in reached + linked if url.startswith(("http:", "https:")) and not url.startswith(origin + "/")})
    summary["csp_violations"] = driver.execute_script("return window.__cspViolations || []")
    summary["console_errors"] = [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
    driver.quit()

print(json.dumps(summary))
sys.exit(1 if "error" in summary else 0)
