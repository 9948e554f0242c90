"""What the console's browser tests share: the accounts, a headless chromium through
chromedriver, waits that outlast a page rebuilding itself, clicks as a person makes them,
screenshots at a clerk's two screen sizes, and a one-page web server on loopback."""
import os
import threading
import time
import http.server

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException, NoSuchElementException

ADMIN, EDITOR, APPROVER, OTHER = "wang", "li", "zhao", "chen"
PASSWORDS = {ADMIN: "admin-pass-2026", EDITOR: "editor-pass-2026", APPROVER: "approver-pass-2026",
             OTHER: "other-pass-2026"}
XSS_TITLE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'

steps = []


def step(name):
    print(f"== {name}", flush=True)
    steps.append((name, time.monotonic()))


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--lang=zh-CN"):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(30)
    return d


def wait(driver, what, seconds=10):
    # The page rebuilds its parts as data arrives: an element found a moment ago may be gone.
    return WebDriverWait(driver, seconds, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: what(d))


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def login(driver, url, name, password, expect_ok=True):
    driver.get(url + "/login")
    css(driver, "#name").clear()
    css(driver, "#name").send_keys(name)
    css(driver, "#password").clear()
    css(driver, "#password").send_keys(password)
    click(driver, css(driver, "#login button"))
    if expect_ok:
        wait(driver, lambda d: d.current_url.endswith("/screens"))
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#who button"))


def logout(driver):
    click(driver, css(driver, "#who button"))
    wait(driver, lambda d: "/login" in d.current_url)


def toast_text(driver):
    return css(driver, "#toast").text


def current_item(fleet, screen):
    try:
        return fleet.screen_status(screen)["current"].get("item", "")
    except (OSError, ValueError, KeyError):
        return ""


def applied_gen(fleet, screen, scope, kind="playlist"):
    try:
        return fleet.screen_status(screen).get("fleet", {}).get("applied", {}).get(f"{scope}|{kind}", 0)
    except (OSError, ValueError):
        return 0


SHOTS = None
# The sizes a clerk's screen has: an office laptop and a desktop monitor.
SHOT_SIZES = ((1366, 768), (1920, 1080))


def set_shots(folder):
    """Screenshots go to `folder` (made when absent) from now on."""
    global SHOTS
    SHOTS = os.path.abspath(folder)
    os.makedirs(SHOTS, exist_ok=True)


def shot(driver, name):
    """With --shots DIR, the page as the clerk sees it (for people to look at): the window
    at 1366×768 and at 1920×1080, the whole page's height."""
    if not SHOTS:
        return
    number = len([f for f in os.listdir(SHOTS) if f.endswith("-1366.png")]) + 1
    for width, height in SHOT_SIZES:
        driver.set_window_size(width, height)
        full = max(height, driver.execute_script("return document.body.scrollHeight"))
        driver.set_window_size(width, full)
        driver.save_screenshot(os.path.join(SHOTS, f"{number:02d}-{name}-{width}.png"))
    driver.set_window_size(1400, 1000)


def shots_argument(argv):
    """--shots DIR on the command line, or the environment's KIOSK_SHOTS."""
    if "--shots" in argv:
        set_shots(argv[argv.index("--shots") + 1])
    elif os.environ.get("KIOSK_SHOTS"):
        set_shots(os.environ["KIOSK_SHOTS"])


def click(driver, element):
    """Clicks as a person would: scrolled to the middle of the window first (the page's
    sticky action bar covers the bottom edge)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def click_labelled(driver, selector, label):
    """Clicks the element `selector` labelled `label`, found again while the page is
    rebuilding it (a reference found a moment ago may be stale by the click)."""
    def attempt(d):
        for b in d.find_elements(By.CSS_SELECTOR, selector):
            if b.text == label:
                click(d, b)
                return True
        return False
    wait(driver, attempt)


def serve(page):
    """One page (bytes, HTML) at every path, from a server of its own on loopback; its base URL."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def choose_text_mode(driver, index):
    """Ticks 输入文字或上传文件 on the playlist form's item `index`, once the page has drawn it
    (it is drawn again as the clerk adds items: found and clicked inside the wait)."""
    def attempt(d):
        radios = d.find_elements(By.CSS_SELECTOR, f"fieldset[data-index='{index}'] input[type=radio]")
        return len(radios) > 1 and (click(d, radios[1]) or True)
    wait(driver, attempt)


def report_failure(driver, fleet, logs=("console",)):
    """What a failed browser test leaves for people: the page (a screenshot and its text), the
    named processes' logs, and the test's files kept."""
    if driver:
        try:
            driver.save_screenshot(os.path.join(fleet.dir, "failure.png"))
            print("page at failure:", driver.current_url, "\n", driver.find_element(By.TAG_NAME, "body").text[:3000])
        except Exception:
            pass
        try:  # the page's own errors (a script that threw draws nothing)
            for entry in driver.get_log("browser"):
                print("browser console:", entry.get("level"), entry.get("message"))
        except Exception:
            pass
    for name in logs:
        print(f"--- {name} log\n" + fleet.log(name))
    fleet.keep = True
    print("files kept in", fleet.dir)
