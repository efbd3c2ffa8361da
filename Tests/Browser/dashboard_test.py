#!/usr/bin/env python3
"""Browser tests of Lotse's web pages in headless Chromium (Debian `chromium` + `chromium-driver`, Selenium).

Starts `lotse serve --demo` over HTTPS (a throwaway CA made here with the openssl command; Chromium trusts only
that server certificate, by its public key) on a fresh log, signs in three people in separate browser sessions
and checks:
  1. sign-in with a printed token (and a refused bad token);
  2. the hospital closes its Stroke Unit – the Leitstelle's board and dispatch answer change live, no reload;
  3. the hospital reopens it, the Leitstelle announces a patient, the hospital sees it live and acknowledges;
  4. a Telenotarzt signs on, gets an offer with a countdown, accepts, connects and ends the consultation;
  5. the server goes away: every page shows "Verbindung getrennt", reconnects by itself and resumes;
  6. keyboard use (focus reaches the controls and is visible) and axe-core finds no serious violations;
  7. the session end is shown, and a new token renews it in place before it ends;
  8. the statistics page (issue 17): the Leitstelle's closures of the last 30 days with their reasons, SVG charts;
  9. MANV (issue 18): a dispatcher opens an incident, two hospitals answer on their pages, the plan appears, the
     dispatcher confirms and sends a transport, the announcement reaches the hospital's arrival board;
 10. the crew page (issue 13): the crew requests the Telenotarzt, the physician's console gets the offer, accepts,
     connects and ends while the crew page follows; the crew finds the destination, announces, the hospital
     acknowledges and the crew sees it; offline, a command made meanwhile is sent once when the server is back;
     the crew page in the dark theme and at a phone's width (375 px), axe-core on both;
and writes a screenshot of every page to Docs/screenshots/.

Usage: python3 Tests/Browser/dashboard_test.py [path to the lotse binary]   (default: .build/debug/lotse)
"""
import os
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Harness"))
from lotse_server import ROOT, Server, step  # noqa: E402
SHOTS = os.path.join(ROOT, "Docs", "screenshots")
BERGEN = "772096"  # Sana-Krankenhaus Rügen, Bergen: nearest Stroke Unit for Dranske


def browser(server):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    # Trust exactly the test server's certificate (by the hash of its public key), nothing else.
    for a in [f"--ignore-certificate-errors-spki-list={server.spki}", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=de-DE"]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)
    d.implicitly_wait(0)
    return d


def wait(d, cond, timeout=15, what="condition"):
    try:
        # Live pages re-render: an element found a moment ago may be replaced (stale) – look again.
        return WebDriverWait(d, timeout, poll_frequency=0.2,
                             ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]).until(cond)
    except Exception:
        shot = os.path.join(tempfile.gettempdir(), f"lotse-fail-{int(time.time())}.png")
        d.save_screenshot(shot)
        raise AssertionError(f"timed out waiting for: {what} (screenshot {shot}); page text:\n{d.find_element(By.TAG_NAME, 'body').text[:1500]}")


def click(d, by, selector, within=None):
    """Clicks an element of a live page, finding it again if it was re-rendered in between."""
    for attempt in range(20):
        try:
            (within or d).find_element(by, selector).click()
            return
        except (StaleElementReferenceException, NoSuchElementException):
            if attempt == 19:
                raise
            time.sleep(0.2)


def count_of(d):
    for _ in range(20):
        try:
            return int(d.find_element(By.CSS_SELECTOR, ".offer .count").text.split()[0])
        except (StaleElementReferenceException, NoSuchElementException, ValueError):
            time.sleep(0.1)
    raise AssertionError("no countdown")


def text_of(d, css):
    els = d.find_elements(By.CSS_SELECTOR, css)
    return els[0].text if els else ""


def sign_in(d, server, token, page):
    d.get(server.base + "/")
    field = wait(d, EC.element_to_be_clickable((By.ID, "token")), what="sign-in form")
    field.send_keys(token)
    d.find_element(By.ID, "signin-button").click()
    wait(d, EC.url_contains(f"/ui/{page}.html"), what=f"redirect to {page}")
    wait(d, lambda d: text_of(d, "#live") == "Live", what="live connection")


def axe_check(d, page):
    from axe_selenium_python import Axe
    axe = Axe(d)
    axe.inject()
    results = axe.run(options={"resultTypes": ["violations"]})
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for v in serious:
        print(f"   axe {page}: {v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}")
    assert not serious, f"{page}: {len(serious)} serious accessibility violations"
    print(f"   axe-core: {page} – no serious or critical violations ({len(results['violations'])} minor)")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    server = Server()
    server.start()
    leit, klinik, tna, crew = browser(server), browser(server), browser(server), browser(server)
    try:
        step("HTTPS: the pages come over TLS with HSTS; plain HTTP on the same port gets no page")
        with urllib.request.urlopen(server.base + "/", timeout=10, context=server.tls) as r:
            assert r.headers.get("Strict-Transport-Security") == "max-age=31536000", dict(r.headers)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=5)
            raise AssertionError("plain HTTP answered on the TLS port")
        except AssertionError:
            raise
        except Exception:
            pass

        step("sign-in: a bad token is refused, the printed tokens sign in")
        leit.get(server.base + "/")
        wait(leit, EC.element_to_be_clickable((By.ID, "token"))).send_keys("abc.def.ghi")
        leit.find_element(By.ID, "signin-button").click()
        wait(leit, lambda d: "ungültig" in text_of(d, "#signin-message"), what="refusal of a bad token")
        leit.save_screenshot(os.path.join(SHOTS, "anmeldung.png"))
        sign_in(leit, server, server.tokens["dispatcher"], "leitstelle")
        sign_in(klinik, server, server.tokens["hospital"], "klinik")
        sign_in(tna, server, server.tokens["physician"], "telenotarzt")
        before_changes = time.localtime()

        step("Leitstelle: stroke near Dranske → Bergen first; the board shows its Stroke Unit available")
        wait(leit, lambda d: len(d.find_elements(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']")) == 1, what="board row of Bergen")
        leit.find_element(By.ID, "dispatch-button").click()
        wait(leit, lambda d: BERGEN in first_candidate(d), what="Bergen ranked first")
        assert "Schlaganfall" in text_of(leit, "#answer"), text_of(leit, "#answer")
        # The answer names the travel model its drive times come from (issue 15).
        assert "Fahrzeiten calibrated-mv/" in text_of(leit, "#answer"), text_of(leit, "#answer")
        stroke_cell = lambda d: d.find_element(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']").text
        assert "✓" in stroke_cell(leit)
        leit.save_screenshot(os.path.join(SHOTS, "leitstelle.png"))

        step("Klinik: close the Stroke Unit with reason and until (keyboard only)")
        wait(klinik, lambda d: d.find_element(By.CSS_SELECTOR, "tr[data-resource='stroke-unit']"), what="stroke-unit row")
        for _ in range(20):
            try:
                klinik.find_element(By.XPATH, "//tr[@data-resource='stroke-unit']//button[contains(., 'Abmelden')]").send_keys(Keys.ENTER)
                break
            except StaleElementReferenceException:
                time.sleep(0.2)
        reason = wait(klinik, EC.visibility_of_element_located((By.ID, "close-reason")), what="closure dialog")
        assert klinik.switch_to.active_element == reason, "focus moves into the dialog"
        reason.send_keys("Personalmangel")
        klinik.find_element(By.ID, "close-send").send_keys(Keys.ENTER)
        wait(klinik, lambda d: "abgemeldet bis" in text_of(d, "#message"), what="closure confirmed")
        wait(klinik, lambda d: "abgemeldet" in d.find_element(By.CSS_SELECTOR, "tr[data-resource='stroke-unit']").text, what="hospital page shows closure")

        step("Leitstelle (second browser): board and dispatch answer change live, without reload")
        marker = leit.execute_script("window.__noReload = 42; return window.__noReload")
        wait(leit, lambda d: "✕ bis" in d.find_element(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']").text, what="board shows the closure")
        wait(leit, lambda d: BERGEN not in first_candidate(d), what="dispatch answer without Bergen first")
        excluded = lambda d: d.find_element(By.CSS_SELECTOR, f"[data-excluded='{BERGEN}']").text
        wait(leit, lambda d: "Personalmangel" in excluded(d) and "abgemeldet" in excluded(d), what="Bergen excluded with the German reason")
        assert leit.execute_script("return window.__noReload") == marker, "the page was reloaded"

        step("Klinik: reopen; Leitstelle ranks Bergen first again and announces a patient there")
        click(klinik, By.XPATH, "//tr[@data-resource='stroke-unit']//button[contains(., 'Wieder anmelden')]")
        wait(leit, lambda d: BERGEN in first_candidate(d), what="Bergen first again")
        click(leit, By.CSS_SELECTOR, "article[data-rank='1'] button")
        unit = wait(leit, EC.visibility_of_element_located((By.ID, "unit")), what="announce dialog")
        unit.clear()
        unit.send_keys("RTW-Bergen-1")
        Select(leit.find_element(By.ID, "ann-district")).select_by_value("Vorpommern-Rügen")
        leit.find_element(By.CSS_SELECTOR, "input[name=flag][value=schockraum]").click()
        leit.find_element(By.ID, "announce-send").click()
        wait(leit, lambda d: "Voranmeldung" in text_of(d, "#dispatch-message") and "gesendet" in text_of(d, "#dispatch-message"), what="announcement sent")

        wait(leit, lambda d: d.find_element(By.CSS_SELECTOR, f"td[data-en-route='{BERGEN}']").text == "1", what="one patient en route to Bergen on the board")

        step("Klinik: the announcement arrives live; acknowledge it, then the patient arrives")
        row_text = lambda d: d.find_element(By.CSS_SELECTOR, "tr[data-announcement]").text
        wait(klinik, lambda d: "421701" in row_text(d) and "schockraum" in row_text(d) and "nicht quittiert" in row_text(d),
             what="announcement on the arrivals board")
        wait(klinik, lambda d: d.find_element(By.ID, "red-alert").is_displayed() and "ROT" in text_of(d, "#red-alert"), what="red alert on the hospital page")
        click(klinik, By.XPATH, "//tr[@data-announcement]//button[contains(., 'Quittieren')]")
        wait(klinik, lambda d: "nicht quittiert" not in d.find_element(By.CSS_SELECTOR, "tr[data-announcement]").text, what="acknowledged")
        wait(klinik, lambda d: not d.find_element(By.ID, "red-alert").is_displayed(), what="red alert gone after the acknowledgement")
        klinik.save_screenshot(os.path.join(SHOTS, "klinik.png"))
        click(klinik, By.XPATH, "//tr[@data-announcement]//button[contains(., 'Angekommen')]")
        wait(klinik, lambda d: "angekommen" in d.find_element(By.CSS_SELECTOR, "tr[data-announcement]").text, what="arrived")

        step("Telenotarzt: sign on, an offer with countdown arrives, accept, connect, end")
        click(tna, By.ID, "sign-on")
        wait(tna, lambda d: "im Dienst" in text_of(d, "#duty-state"), what="signed on")
        server.call("POST", "/v1/consultations", server.tokens["crew"],
                    {"kind": "dispatched-with-ambulance", "priority": 1, "district": "Vorpommern-Rügen", "unit": "RTW-Bergen-1", "pzc": "421701"})
        wait(tna, lambda d: d.find_elements(By.CSS_SELECTOR, ".offer .count"), what="offer shown")
        first = count_of(tna)
        time.sleep(1.3)
        second = count_of(tna)
        assert second < first <= 30, f"countdown {first} → {second}"
        tna.save_screenshot(os.path.join(SHOTS, "telenotarzt-angebot.png"))
        click(tna, By.ID, "accept")
        wait(tna, lambda d: d.find_elements(By.XPATH, "//div[@id='active']//button[contains(., 'Verbunden')]"), what="accepted consultation")
        click(tna, By.XPATH, "//div[@id='active']//button[contains(., 'Verbunden')]")
        wait(tna, lambda d: "verbunden" in text_of(d, "#active"), what="connected")
        tna.save_screenshot(os.path.join(SHOTS, "telenotarzt.png"))
        click(tna, By.XPATH, "//div[@id='active']//button[contains(., 'Beenden')]")
        wait(tna, lambda d: "beendet" in text_of(d, "#message") and "Keine." in text_of(d, "#active"), what="consultation ended")

        step("crew page: request the Telenotarzt; the console gets the offer; the crew follows accept, connect, end")
        sign_in(crew, server, server.tokens["crew"], "rtw")
        place = wait(crew, EC.element_to_be_clickable((By.ID, "place")), what="place field")
        place.send_keys("Dranske")
        place.send_keys(Keys.TAB)
        wait(crew, lambda d: "Dranske" in text_of(d, "#where"), what="place set from the municipality")
        click(crew, By.CSS_SELECTOR, "input[name=kind][value=bridging-until-nef]")
        Select(crew.find_element(By.ID, "priority")).select_by_value("1")
        crew.find_element(By.ID, "note").send_keys("Verdacht Schlaganfall, 74 J.")
        click(crew, By.ID, "tna-request")
        wait(tna, lambda d: d.find_elements(By.CSS_SELECTOR, ".offer .count"), what="offer of the crew's request on the console")
        click(tna, By.ID, "accept")
        wait(crew, lambda d: "Angenommen von tna-greifswald" in text_of(d, "#consultations"), what="crew sees who accepted")
        click(tna, By.XPATH, "//div[@id='active']//button[contains(., 'Verbunden')]")
        wait(crew, lambda d: "Verbunden mit tna-greifswald" in text_of(d, "#consultations"), what="crew sees connected")
        click(tna, By.XPATH, "//div[@id='active']//button[contains(., 'Beenden')]")
        wait(crew, lambda d: "Beendet" in text_of(d, "#consultations"), what="crew sees the end")

        step("crew page: destination, announcement, the hospital acknowledges, the crew sees it")
        click(crew, By.ID, "dispatch-button")
        wait(crew, lambda d: BERGEN in first_candidate(d), what="crew's answer: Bergen first")
        click(crew, By.CSS_SELECTOR, "article[data-rank='1'] button")
        wait(crew, lambda d: d.find_elements(By.CSS_SELECTOR, "#announcements [data-status=announced]"), what="crew's announcement listed")
        ann = crew.find_element(By.CSS_SELECTOR, "#announcements [data-status=announced]").get_attribute("data-announcement")
        crew.set_window_size(1024, 900)
        crew.execute_script("window.scrollTo(0, 0)")
        crew.save_screenshot(os.path.join(SHOTS, "rtw-tablet.png"))
        click(klinik, By.XPATH, f"//tr[@data-announcement='{ann}']//button[contains(., 'Quittieren')]")
        wait(crew, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-announcement='{ann}'][data-status=acknowledged]"), what="crew sees the acknowledgement")

        step("crew page offline (Funkloch): a command made meanwhile is sent once when the server is back")
        server.stop()
        wait(crew, lambda d: "Verbindung getrennt" in text_of(d, "#live"), timeout=20, what="crew page offline")
        click(crew, By.XPATH, f"//article[@data-announcement='{ann}']//button[contains(., 'Angekommen')]")
        wait(crew, lambda d: "wird gesendet" in text_of(d, "#outbox"), what="command waiting in the outbox")
        time.sleep(4)  # a few send attempts while the server is away
        server.start(demo=False)
        wait(crew, lambda d: not d.find_element(By.ID, "outbox").is_displayed(), timeout=30, what="outbox sent")
        wait(crew, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-announcement='{ann}'][data-status=arrived]"), timeout=20, what="arrival shown")
        arrivals = [l for l in server.events() if f"announcement-{ann}" in l and "PatientArrived" in l]
        assert len(arrivals) == 1, f"PatientArrived {len(arrivals)} times in the log"

        step("Klinik: the crew's arrival waits for the hand-over; the hospital takes the patient over (offload delay recorded)")
        wait(klinik, lambda d: "Übergabe ausstehend" in text_of(d, f"tr[data-announcement='{ann}']"), what="hand-over pending on the hospital page")
        click(klinik, By.XPATH, f"//tr[@data-announcement='{ann}']//button[contains(., 'Übernommen')]")
        wait(klinik, lambda d: "übergeben" in text_of(d, f"tr[data-announcement='{ann}']"), what="handed over")
        wait(crew, lambda d: "übergeben" in text_of(d, f"[data-announcement='{ann}']"), what="the crew sees the hand-over")
        assert len([l for l in server.events() if f"announcement-{ann}" in l and "PatientHandedOver" in l and "offloadMinutes" in l]) == 1

        step("Klinik: „Alles unverändert bestätigen“ reports every status again in one command")
        click(klinik, By.ID, "confirm-all")
        wait(klinik, lambda d: "unverändert bestätigt" in text_of(d, "#message"), what="confirmation")
        h = server.call("GET", f"/v1/hospitals/{BERGEN}", server.tokens["hospital"])
        times = {r["reportedAt"] for r in h["resources"] if r["status"] in ("available", "limited")}
        assert len(times) == 1, f"statuses not confirmed in one command: {times}"

        step("Leitstelle: an escalated red announcement is an alarm until a dispatcher acknowledges it (in the log)")
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1800))
        server.call("POST", "/v1/announcements", server.tokens["dispatcher"],
                    {"hospitalId": "771436", "pzc": "421701", "eta": until, "unit": "RTW-Stralsund-2", "district": "Vorpommern-Rügen"})
        alarm = "//div[@id='alarms']/p[contains(., 'Stralsund')]"
        wait(leit, lambda d: d.find_elements(By.XPATH, alarm), timeout=60, what="alarm for the unacknowledged red patient")
        leit.execute_script("window.scrollTo(0, 0)")
        leit.save_screenshot(os.path.join(SHOTS, "leitstelle-alarm.png"))
        click(leit, By.XPATH, alarm + "//button[contains(., 'Quittieren')]")
        wait(leit, lambda d: not d.find_elements(By.XPATH, alarm), what="alarm gone after the acknowledgement")
        acks = [l for l in server.events() if "AlarmAcknowledged" in l and "dispatcher:ils-stralsund" in l]
        assert len(acks) >= 1, "no AlarmAcknowledged by the dispatcher in the log"
        assert "Voranmeldung" in text_of(leit, "#sent") or leit.find_elements(By.CSS_SELECTOR, "#sent tr[data-sent]"), "announcements list empty"

        step("crew page: dark theme and a phone's width; axe-core on both")
        click(crew, By.ID, "theme")
        wait(crew, lambda d: "dark" in d.find_element(By.TAG_NAME, "body").get_attribute("class"), what="dark theme")
        axe_check(crew, "rtw (Nachtmodus)")
        crew.set_window_size(375, 812)
        time.sleep(0.5)
        assert crew.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), "the crew page scrolls sideways at 375 px"
        wait(crew, lambda d: text_of(d, "#live") == "Live", timeout=30, what="crew page live again")
        crew.execute_script("window.scrollTo(0, 0)")
        crew.save_screenshot(os.path.join(SHOTS, "rtw-telefon-nacht.png"))
        axe_check(crew, "rtw (375 px, Nachtmodus)")
        click(crew, By.ID, "theme")
        axe_check(crew, "rtw (375 px)")
        crew.set_window_size(1400, 1000)

        step("accessibility: keyboard focus is visible; axe-core on every page")
        leit.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = leit.switch_to.active_element
        outline = leit.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
        assert outline not in ("none", ""), f"focus not visible (outline {outline})"
        for d, name in [(leit, "leitstelle"), (klinik, "klinik"), (tna, "telenotarzt")]:
            axe_check(d, name)
            d.set_window_size(375, 812)
            time.sleep(0.3)
            axe_check(d, f"{name} (375 px)")
            d.set_window_size(1400, 1000)

        step("crew page by keyboard only: Tab to „Zielklinik suchen“, Enter, the answer appears")
        crew.execute_script("window.scrollTo(0, 0); document.getElementById('theme').focus()")
        for _ in range(60):
            if crew.switch_to.active_element.get_attribute("id") == "dispatch-button":
                break
            crew.switch_to.active_element.send_keys(Keys.TAB)
        assert crew.switch_to.active_element.get_attribute("id") == "dispatch-button", "„Zielklinik suchen“ not reachable by Tab"
        crew.execute_script("document.getElementById('answer').replaceChildren()")
        crew.switch_to.active_element.send_keys(Keys.ENTER)
        wait(crew, lambda d: BERGEN in first_candidate(d), what="answer after Enter")

        step("connection lost: every page says so, reconnects by itself and resumes")
        server.stop()
        for d in (leit, klinik, tna):
            wait(d, lambda d: "Verbindung getrennt" in text_of(d, "#live"), timeout=20, what="'Verbindung getrennt'")
        leit.save_screenshot(os.path.join(SHOTS, "verbindung-getrennt.png"))
        server.start(demo=False)
        for d in (leit, klinik, tna):
            wait(d, lambda d: text_of(d, "#live") == "Live", timeout=30, what="reconnected")
        # Resumed: a change made after the reconnect still arrives live.
        server.call("PUT", f"/v1/hospitals/{BERGEN}/resources/ct/closure", server.tokens["hospital"],
                    {"reason": "CT-Wartung", "until": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))})
        wait(leit, lambda d: "CT-Wartung" in d.find_element(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']").get_attribute("innerHTML"), what="change after reconnect")

        step("time travel: the board as it was before the closures")
        leit.execute_script("document.getElementById('asof').value = arguments[0]", time.strftime("%Y-%m-%dT%H:%M:%S", before_changes))
        leit.find_element(By.ID, "asof-apply").click()
        wait(leit, lambda d: "Historischer Stand" in text_of(d, "#history-banner"), what="history banner")
        wait(leit, lambda d: "CT-Wartung" not in d.find_element(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']").get_attribute("innerHTML"), what="board as it was")
        assert "✕" not in leit.find_element(By.CSS_SELECTOR, f"tr[data-hospital='{BERGEN}']").text
        leit.save_screenshot(os.path.join(SHOTS, "leitstelle-stand-um.png"))
        leit.find_element(By.ID, "asof-now").click()
        wait(leit, lambda d: not d.find_element(By.ID, "history-banner").is_displayed(), what="back to live")

        step("Statistik: the Leitstelle's districts over the last 30 days — the Stroke Unit's closure with its reason, charts as SVG")
        leit.get(server.base + "/ui/statistik.html")
        row = f"#closures tr[data-hospital='{BERGEN}'][data-resource='stroke-unit']"
        wait(leit, lambda d: d.find_elements(By.CSS_SELECTOR, row), what="the closures table")
        assert "Personalmangel (1)" in leit.find_element(By.CSS_SELECTOR, row).text, leit.find_element(By.CSS_SELECTOR, row).text
        assert leit.find_elements(By.CSS_SELECTOR, "#closed-chart svg.chart rect.bar"), "no bar chart of closed hours"
        assert "Berechnet:" in text_of(leit, "#message")
        wait(leit, lambda d: "CT-Wartung" in text_of(d, "#closures"), what="the closure of a minute ago (the period ends now)")
        axe_check(leit, "statistik")
        leit.execute_script("window.scrollTo(0, 0)")
        leit.save_screenshot(os.path.join(SHOTS, "statistik.png"))
        # A period backwards is refused on the page, before any request.
        leit.execute_script("document.getElementById('from').value = '2030-01-02T00:00'; document.getElementById('to').value = '2030-01-01T00:00'")
        leit.find_element(By.ID, "compute").click()
        wait(leit, lambda d: "Beginn muss vor dem Ende" in text_of(d, "#message"), what="refusal of a backwards period")

        step("MANV: the Leitstelle opens an incident near Bergen; Bergen and Stralsund answer on their Klinik pages (request "
             "with countdown); the plan appears, the dispatcher confirms it and sends a transport; it reaches Bergen's arrival board")
        leit.get(server.base + "/ui/manv.html")
        wait(leit, lambda d: text_of(d, "#live") == "Live", what="MANV page live")
        for field, value in [("label", "Busunfall B96 bei Bergen"), ("lat", "54.42"), ("lon", "13.43"), ("red", "2"), ("yellow", "3"), ("green", "4")]:
            box = leit.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        leit.find_element(By.ID, "open-send").click()
        wait(leit, lambda d: d.find_elements(By.CSS_SELECTOR, f"#hospitals tr[data-hospital='{BERGEN}'][data-answer='pending']"), what="Bergen asked")
        wait(leit, lambda d: "min" in text_of(d, "#deadline .count"), what="the deadline's countdown")
        stralsund = "771436"
        assert leit.find_elements(By.CSS_SELECTOR, f"#hospitals tr[data-hospital='{stralsund}']"), "Stralsund not asked"

        def answer(d, counts):
            wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#manv [data-incident] .manv-count"), what="the MANV request on the Klinik page")
            assert "min" in text_of(d, "#manv .manv-count"), text_of(d, "#manv .manv-count")
            for name, value in counts.items():
                box = d.find_element(By.CSS_SELECTOR, f"#manv input[name='{name}']")
                box.clear()
                box.send_keys(str(value))
            click(d, By.CSS_SELECTOR, "#manv form.manv-answer button[type=submit]")
            wait(d, lambda d: "Gemeldet um" in text_of(d, "#manv"), what="the answer on record")

        klinik.get(server.base + "/ui/klinik.html")
        wait(klinik, lambda d: text_of(d, "#live") == "Live", what="Klinik live")
        wait(klinik, lambda d: d.find_elements(By.CSS_SELECTOR, "#manv .manv-count"), what="Bergen's request")
        axe_check(klinik, "klinik (MANV-Anfrage)")
        klinik.save_screenshot(os.path.join(SHOTS, "klinik-manv.png"))
        answer(klinik, {"first-red": 1, "first-yellow": 2, "first-green": 2})
        sign_in(tna, server, server.mint("hospital", stralsund, "zna-stralsund", "8h"), "klinik")
        answer(tna, {"first-red": 2, "first-yellow": 2, "first-green": 4, "surge-green": 6})
        wait(leit, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#hospitals tr[data-answer='answered']")) == 2, what="two answers on the board")
        click(leit, By.ID, "plan")
        wait(leit, lambda d: d.find_elements(By.CSS_SELECTOR, "#plan-table tbody tr"), what="the plan")
        planned_red = sum(int(r.find_element(By.CSS_SELECTOR, "input").get_attribute("value"))
                          for r in leit.find_elements(By.CSS_SELECTOR, "#plan-table tr[data-category='red']"))
        assert planned_red == 2, f"SK I planned: {planned_red}"
        assert not leit.find_elements(By.ID, "unplaced"), text_of(leit, "#unplaced")
        axe_check(leit, "manv")
        click(leit, By.ID, "confirm")
        wait(leit, lambda d: "bestätigt" in text_of(d, "#plan-title") and "nicht bestätigt" not in text_of(d, "#plan-title"), what="plan confirmed")
        leit.find_element(By.ID, "unit").send_keys("RTW Bergen 1")
        leit.find_element(By.ID, "pzc").send_keys("219403")
        click(leit, By.CSS_SELECTOR, f"#plan-table tr[data-hospital='{BERGEN}'][data-category='green'] button")
        wait(leit, lambda d: "RTW Bergen 1" in text_of(d, "#transports"), what="the transport on the board")
        leit.execute_script("window.scrollTo(0, 0)")
        leit.save_screenshot(os.path.join(SHOTS, "manv.png"))
        wait(klinik, lambda d: "RTW Bergen 1" in text_of(d, "#arrivals"), what="the MANV transport on Bergen's arrival board")
        wait(klinik, lambda d: "unterwegs: 0 SK I (rot), 0 SK II (gelb), 1 SK III (grün)" in text_of(d, "#manv .manv-status"), what="en route on the Klinik's MANV view")

        leit.get(server.base + "/ui/leitstelle.html")
        wait(leit, lambda d: text_of(d, "#live") == "Live", what="Leitstelle live again")

        step("session end: shown in the header; 10 minutes before, a new token of the same person renews it in place")
        assert "Sitzung bis" in text_of(leit, "#session-end"), text_of(leit, "#session-end")
        sign_in(klinik, server, server.mint("hospital", BERGEN, "zna-bergen", "5m"), "klinik")
        wait(klinik, lambda d: d.find_element(By.ID, "renew").is_displayed() and "endet um" in text_of(d, "#renew-text"), what="renewal request")
        wait(klinik, lambda d: d.find_elements(By.CSS_SELECTOR, "tr[data-resource='stroke-unit']"), what="hospital page content")
        marker = klinik.execute_script("window.__noReload = 7; return window.__noReload")
        klinik.find_element(By.ID, "renew-token").send_keys(server.tokens["dispatcher"])
        klinik.find_element(By.CSS_SELECTOR, "#renew button[type=submit]").click()
        wait(klinik, lambda d: "gehört zu" in text_of(d, "#renew-message"), what="a token of someone else is refused")
        field = klinik.find_element(By.ID, "renew-token")
        field.clear()
        field.send_keys(server.mint("hospital", BERGEN, "zna-bergen", "8h"))
        klinik.find_element(By.CSS_SELECTOR, "#renew button[type=submit]").click()
        wait(klinik, lambda d: not d.find_element(By.ID, "renew").is_displayed(), what="renewed")
        assert klinik.execute_script("return window.__noReload") == marker, "the page was reloaded"
        assert klinik.find_elements(By.CSS_SELECTOR, "tr[data-resource='stroke-unit']"), "content lost"
        print("browser tests passed; screenshots in Docs/screenshots/")
    finally:
        for d in (leit, klinik, tna, crew):
            d.quit()
        server.stop()


def first_candidate(d):
    els = d.find_elements(By.CSS_SELECTOR, "article[data-rank='1']")
    return els[0].get_attribute("data-hospital") if els else ""


if __name__ == "__main__":
    main()
