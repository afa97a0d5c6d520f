#!/usr/bin/python3
"""The web classroom in real Chromium: a class plays three turns of the examples/classroom game.

Four teams, the projector and the facilitator each in a browser of their own (separate profiles:
nothing shared between them but the server). The facilitator runs the turn timer, adds an inject,
adds and removes another, overrides two of a team's levers with a note; one team's over-budget
move is refused on its page; every team submits from its
form; every page shows each change without a reload, and reconnects by itself when the server is
restarted. Each page's DOM is searched for what must not
be there (another team's secret moves, budget, spending or token). Screenshots of a team's page at
phone width and of the projector at 1920×1080 are saved to OUT (docs/images takes them from there).

    classroom.py STEPPE_BINARY SOURCE_DIR OUT

Needs Debian's chromium, chromium-driver and python3-selenium (tools/install-deps --tests).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

TEAMS = ["MNG", "CHN", "RUS", "USA"]
# Secret levers of the example game: another team's page must never show them.
SECRET = {"MNG": ["concession_threshold"], "CHN": ["hawkishness"], "RUS": ["hawkishness"], "USA": []}


def fail(message):
    print("FAILED: " + message, file=sys.stderr)
    sys.exit(1)


def browser(width, height):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--hide-scrollbars"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, what, seconds=10):
    try:
        # A page draws itself again on every change: an element found a moment ago may be gone.
        return WebDriverWait(driver, seconds, poll_frequency=0.05,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
            lambda _: condition())
    except TimeoutException:
        fail(f"{what} (waited {seconds} s); the page says:\n{driver.find_element(By.TAG_NAME, 'body').text[:2000]}")


def retry(action):
    """Does `action` again if the page was drawn anew under it (another holder's change)."""
    for _ in range(20):
        try:
            return action()
        except StaleElementReferenceException:
            time.sleep(0.05)
    return action()


def click(driver, by, selector):
    """Clicks as a person would: scrolled into the middle of the window, clear of the sticky header."""
    def once():
        element = driver.find_element(by, selector)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
    retry(once)


def choose(driver, by, selector, value):
    retry(lambda: Select(driver.find_element(by, selector)).select_by_value(value))


def text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def main():
    steppe, source, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="steppe-classroom-")
    game = os.path.join(work, "game")
    subprocess.run([steppe, "wargame", "new", os.path.join(source, "examples/classroom/game.yaml"), "--dir", game],
                   check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([steppe, "serve", game, "--port", "0"], stdout=subprocess.PIPE, text=True)
    drivers = {}
    try:
        first = server.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/", first)
        if not match:
            fail("steppe serve printed no address: " + first)
        base = match.group(1)
        tokens = json.load(open(os.path.join(game, "tokens.json")))
        links = {team: f"{base}/#{tokens['teams'][team]}" for team in TEAMS}
        links["projector"] = f"{base}/#{tokens['projector']}"
        links["facilitator"] = f"{base}/#{tokens['facilitator']}"
        every_token = [tokens["facilitator"], tokens["projector"]] + list(tokens["teams"].values())

        sizes = {"MNG": (390, 844), "CHN": (390, 844), "RUS": (1280, 900), "USA": (1280, 900),
                 "projector": (1920, 1080), "facilitator": (1280, 1000)}
        for who, (width, height) in sizes.items():
            drivers[who] = browser(width, height)
            drivers[who].get(links[who])
        for who, driver in drivers.items():
            wait(driver, lambda: driver.find_element(By.ID, "connection").text == "live", f"{who}'s page connects")
            wait(driver, lambda: "turn 1 of 8" in driver.find_element(By.ID, "turn").text, f"{who}'s page shows turn 1")
        facilitator, projector = drivers["facilitator"], drivers["projector"]

        def check_secrets(turn):
            """No page shows what its holder may not see."""
            for who, driver in drivers.items():
                source_text = driver.page_source
                own = links[who].split("#")[1]
                for token in every_token:
                    if token != own and token in source_text:
                        fail(f"turn {turn}: {who}'s page holds another holder's token in its DOM")
                if who == "facilitator":
                    continue
                body = text(driver)
                for other in TEAMS:
                    if other == who:
                        continue
                    for lever in SECRET[other]:
                        if re.search(rf"\b{other} {lever}\b", body):
                            fail(f"turn {turn}: {who}'s page shows {other}'s secret {lever}:\n{body}")
                    if re.search(rf"\b{other} spent\b", body):
                        fail(f"turn {turn}: {who}'s page shows what {other} spent")
                if who == "projector" and re.search(r"Budget|spent|\(secret\)|costs", body):
                    fail(f"turn {turn}: the projector shows a budget, spending or a secret move:\n{body}")

        def submit(team, settings):
            driver = drivers[team]
            for lever, setting in settings.items():
                choose(driver, By.NAME, lever, str(setting))
            click(driver, By.ID, "submit")
            wait(driver, lambda: "Your moves are in." in text(driver), f"{team}'s moves are acknowledged")

        for turn in (1, 2, 3):
            # The facilitator starts the timer: every page counts down.
            def five_minutes():
                minutes = facilitator.find_element(By.ID, "timer-minutes")
                minutes.clear()
                minutes.send_keys("5")
            retry(five_minutes)
            click(facilitator, By.ID, "timer-start")
            for who, driver in drivers.items():
                wait(driver, lambda: re.match(r"⏱ [45]:\d\d", driver.find_element(By.ID, "timer").text),
                     f"turn {turn}: {who}'s page shows the timer")

            if turn == 1:
                # China asks for more than it can pay: its page says so before and after submitting.
                china = drivers["CHN"]
                for lever, setting in {"hawkishness": "0.8", "inducements": "0.8", "direct_pressure": "0.2"}.items():
                    choose(china, By.NAME, lever, setting)
                wait(china, lambda: "over" in china.find_element(By.CLASS_NAME, "budget").get_attribute("class"),
                     "China's budget line shows the overspend")
                click(china, By.ID, "submit")
                wait(china, lambda: "budget" in china.find_element(By.CSS_SELECTOR, "[role=alert]").text,
                     "China's over-budget move is refused on its page")
                china_row = facilitator.find_element(By.XPATH, "//tr[td[1]='China (CHN)']/td[2]")
                if china_row.text != "waiting":
                    fail("a refused move was recorded: the facilitator sees China " + china_row.text)
                # The facilitator plays a card: it shows on the dashboard at once.
                choose(facilitator, By.ID, "deck", "border_squeeze")
                click(facilitator, By.ID, "inject")
                wait(facilitator, lambda: "Inject \"" in text(facilitator), "the inject is added")

            if turn == 2:
                # A card played by mistake and taken back; an override of two levers with a note.
                choose(facilitator, By.ID, "deck", "affront")
                click(facilitator, By.ID, "inject")
                wait(facilitator, lambda: "An affront" in facilitator.find_element(By.ID, "open-injects").text,
                     "the second inject is listed")
                click(facilitator, By.XPATH, "//ul[@id='open-injects']/li[contains(., 'An affront')]/button")
                wait(facilitator, lambda: "An affront" not in facilitator.find_element(By.ID, "open-injects").text,
                     "the removed inject is gone")
                choose(facilitator, By.ID, "override-team", "RUS")
                wait(facilitator, lambda: facilitator.find_elements(By.NAME, "override-inducements"),
                     "the override form shows Russia's levers")
                choose(facilitator, By.NAME, "override-inducements", "0.6")
                choose(facilitator, By.NAME, "override-direct_pressure", "0.05")
                retry(lambda: facilitator.find_element(By.ID, "override-note").send_keys("Kremlin reshuffle"))
                click(facilitator, By.ID, "override")
                wait(facilitator, lambda: "RUS inducements 0.6: Kremlin reshuffle" in
                     facilitator.find_element(By.ID, "open-overrides").text, "the override is listed with its note")

            submit("MNG", {"outreach": "0.9" if turn % 2 else "0.6"})
            submit("CHN", {"hawkishness": "0.8", "inducements": "0.5", "direct_pressure": "0" if turn == 1 else "0.05"})
            submit("RUS", {"hawkishness": "0.2" if turn < 3 else "0.5"})
            submit("USA", {"air_link": "1"} if turn == 1 else {})
            wait(projector, lambda: text(projector).count("✓") == 4, f"turn {turn}: the projector shows every team in")
            check_secrets(turn)

            started = time.monotonic()
            wait(facilitator, lambda: facilitator.find_element(By.ID, "advance").is_enabled(),
                 "Advance is enabled once every team is in")
            click(facilitator, By.ID, "advance")
            for who, driver in drivers.items():
                wait(driver, lambda: f"turn {turn + 1} of 8" in driver.find_element(By.ID, "turn").text,
                     f"turn {turn}: {who}'s page shows the next turn")
            print(f"turn {turn}: every page showed turn {turn + 1} {time.monotonic() - started:.2f} s after Advance")
            check_secrets(turn)
            if turn == 1:
                wait(projector, lambda: "⚑ Border squeeze" in text(projector),
                     "the projector's timeline marks the inject")
            if turn == 2:
                if "An affront" in text(projector):
                    fail("the removed inject reached the projector")
                wait(drivers["MNG"], lambda: re.search(r"RUS inducements [\d.]+ → 0\.6 \(facilitator\)", text(drivers["MNG"])),
                     "the override shows in the turn's results")

        # The server stops and starts again on the same address: every page says it lost the
        # connection, then reconnects by itself and shows what changed meanwhile.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for who, driver in drivers.items():
            wait(driver, lambda: driver.find_element(By.ID, "connection").text == "reconnecting…",
                 f"{who}'s page shows the lost connection")
        subprocess.run([steppe, "wargame", "advance", game, "--force"], check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([steppe, "serve", game, "--port", base.rsplit(":", 1)[1]], stdout=subprocess.PIPE,
                                  text=True)
        server.stdout.readline()
        for who, driver in drivers.items():
            wait(driver, lambda: driver.find_element(By.ID, "connection").text == "live", f"{who}'s page reconnects", 20)
            wait(driver, lambda: "turn 5 of 8" in driver.find_element(By.ID, "turn").text,
                 f"{who}'s page shows the turn advanced while it was away")

        # What the README shows: a team's page on a phone, the projector in the room.
        drivers["MNG"].save_screenshot(os.path.join(out, "classroom-team-phone.png"))
        drivers["USA"].save_screenshot(os.path.join(out, "classroom-team.png"))
        projector.save_screenshot(os.path.join(out, "classroom-projector.png"))
        facilitator.save_screenshot(os.path.join(out, "classroom-facilitator.png"))
        print(f"three turns played in the browser by four teams; screenshots in {out}")
    finally:
        for driver in drivers.values():
            driver.quit()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
