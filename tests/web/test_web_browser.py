"""The web chat in a real browser (headless Chromium, a 360-px phone) against the real assistant.

What a person does: read 112 at once, ask, get the answer with numbers to
call, press a button, switch to Arabic (right to left), delete the
conversation, leave with Quick exit (the button or Esc twice) and find no way
back and nothing stored; a professional prints the routing steps without the
conversation; with Rasa stopped the emergency numbers still come.
"""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from bot.i18n.phrases import Phrasebook, phrase
from bot.web.chat import GATEWAY_PHRASES, WEB_PHRASES

pytestmark = [pytest.mark.model, pytest.mark.e2e]
web_phrase = Phrasebook(WEB_PHRASES, "web")
gateway_phrase = Phrasebook(GATEWAY_PHRASES, "gateway")
ANSWER = 20  # seconds a real answer may take on a loaded CI machine


def open_chat(driver, url: str, language: str | None = None) -> None:
    driver.get(url + (f"/?lang={language}" if language else "/"))
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log li.bot"))


def bubbles(driver, who: str = "bot") -> list:
    return driver.find_elements(By.CSS_SELECTOR, f"#log li.{who}")


def click(driver, element) -> None:
    """Click as a person would: scrolled into the middle of the screen first (the bars stick to the edges)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def said(driver) -> str:
    """The text of the person's last bubble (without the label screen readers get)."""
    return bubbles(driver, "you")[-1].find_element(By.TAG_NAME, "p").text


def say(driver, text: str) -> None:
    field = driver.find_element(By.ID, "input")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def settle(driver, before: int, timeout: float = ANSWER) -> list:
    """The assistant's bubbles once a turn that started with ``before`` of them has been answered."""
    WebDriverWait(driver, timeout).until(
        lambda d: len(bubbles(d)) > before and "busy" not in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    return bubbles(driver)


def press(driver, title: str) -> None:
    before = len(bubbles(driver))
    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, "#log .buttons button") if b.text == title]
    assert buttons, f"no button {title!r} among {[b.text for b in driver.find_elements(By.CSS_SELECTOR, '#log .buttons button')]}"
    click(driver, buttons[-1])
    settle(driver, before)


def glyphs_left_to_right(driver, link) -> bool:
    """Whether each character of a link stands to the right of the one before it, on one line."""
    script = """
      var text = arguments[0].firstChild, range = document.createRange(), lefts = [], tops = [];
      for (var i = 0; i < text.length; i++) {
        range.setStart(text, i); range.setEnd(text, i + 1);
        var box = range.getBoundingClientRect(); lefts.push(box.left); tops.push(Math.round(box.top));
      }
      return [lefts, tops];"""
    lefts, tops = driver.execute_script(script, link)
    return len(set(tops)) == 1 and all(a < b for a, b in zip(lefts, lefts[1:], strict=False))


def storage(driver) -> dict:
    return driver.execute_script(
        "return {cookies: document.cookie, local: localStorage.length, session: sessionStorage.length}")


def test_the_first_screen_shows_112_and_quick_exit_without_a_turn(browser, web):
    open_chat(browser, web.url)
    danger = browser.find_element(By.ID, "danger")
    assert danger.is_displayed() and "112" in danger.text
    assert danger.find_element(By.CSS_SELECTOR, "a[href='tel:112']").is_displayed()
    assert browser.find_element(By.ID, "exit").is_displayed()
    assert browser.find_element(By.ID, "exit").text == web_phrase("en", "quick_exit")
    greeting = bubbles(browser)[0].text
    assert gateway_phrase("en", "start_greeting") in greeting and web_phrase("en", "no_trace") in greeting


def test_a_question_gets_its_answer_with_numbers_to_call_and_a_button_works(browser, web):
    open_chat(browser, web.url, "ro")
    before = len(bubbles(browser))
    say(browser, "Bună, lucrez într-o spălătorie auto în Oslo, șeful mi-a luat pașaportul și nu mă plătește")
    answers = settle(browser, before)[before:]
    assert said(browser).endswith("nu mă plătește")
    text = " ".join(answer.text for answer in answers)
    assert "pașaport" in text.lower(), "answered in Romanian, about the passport"
    calls = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "#log a[href^='tel:']")]
    assert "tel:22331160" in calls, "ROSA's number is a link to call"
    more = phrase("ro", "button_more_rights")
    before = len(bubbles(browser))
    press(browser, more)
    assert said(browser) == more
    assert len(bubbles(browser)) > before
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360, "fits a 360-px phone"
    assert storage(browser) == {"cookies": "", "local": 0, "session": 0}


def test_arabic_from_the_menu_turns_the_page_right_to_left(browser, web):
    open_chat(browser, web.url)
    before = len(bubbles(browser))
    Select(browser.find_element(By.ID, "language")).select_by_value("ar")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
    assert browser.find_element(By.ID, "exit").text == web_phrase("ar", "quick_exit")
    assert browser.find_element(By.ID, "send").text == web_phrase("ar", "send")
    assert browser.find_element(By.ID, "input").get_attribute("placeholder") == web_phrase("ar", "placeholder")
    settle(browser, before)  # Rasa confirms the choice
    before = len(bubbles(browser))
    say(browser, "أين يمكنني أن أنام الليلة؟ أنا في أوسلو")
    answer = settle(browser, before)[-1]
    assert answer.find_element(By.TAG_NAME, "p").value_of_css_property("direction") == "rtl"
    click(browser, browser.find_element(By.CSS_SELECTOR, "#numbers summary"))
    links = browser.find_elements(By.CSS_SELECTOR, "#log li.bot a[href^='tel:'], #numbers-text a[href^='tel:']")
    assert len([link for link in links if " " in link.text]) >= 4, "numbers of several groups to check"
    for link in links:
        assert glyphs_left_to_right(browser, link), f"{link.text} reads left to right inside Arabic, on one line"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360


def test_quick_exit_leaves_for_the_neutral_site_and_back_does_not_return(browser, web, neutral_site):
    browser.get(f"{neutral_site}/before")
    open_chat(browser, web.url)
    before = len(bubbles(browser))
    say(browser, "my boss keeps my passport")
    settle(browser, before)
    assert storage(browser) == {"cookies": "", "local": 0, "session": 0}
    assert browser.get_cookies() == []
    entries = browser.execute_script("return history.length")
    browser.find_element(By.ID, "exit").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == f"{neutral_site}/neutral"
                                     and d.find_elements(By.ID, "neutral"))
    assert browser.execute_script("return history.length") == entries, "the chat's entry was replaced, not added to"
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: d.current_url != f"{neutral_site}/neutral")
    assert browser.current_url == f"{neutral_site}/before", "Back skips the chat: it is gone from the history"
    open_chat(browser, web.url)
    assert len(bubbles(browser)) == 1 and not bubbles(browser, "you"), "the conversation is not restored"


def test_escape_twice_is_a_quick_exit_too(browser, web, neutral_site):
    open_chat(browser, web.url)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ESCAPE)
    time.sleep(1.2)
    assert browser.current_url.startswith(web.url), "one Esc is not enough (two within a second are)"
    body.send_keys(Keys.ESCAPE, Keys.ESCAPE)
    WebDriverWait(browser, 10).until(lambda d: d.current_url == f"{neutral_site}/neutral")


def test_delete_clears_the_page_and_the_assistant_forgets(browser, web):
    open_chat(browser, web.url)
    before = len(bubbles(browser))
    say(browser, "I am in Tromsø")
    settle(browser, before)
    click(browser, browser.find_element(By.ID, "delete"))
    WebDriverWait(browser, ANSWER).until(lambda d: any(web_phrase("en", "deleted") in b.text for b in bubbles(d)))
    assert not bubbles(browser, "you"), "the person's messages are gone from the page"
    assert len(bubbles(browser)) == 1
    before = len(bubbles(browser))
    say(browser, "where can I sleep tonight?")
    answer = " ".join(b.text for b in settle(browser, before)[before:])
    assert "Tromsø" not in answer, "the place named before the deleting is forgotten"


def test_a_professional_prints_the_routing_steps_without_the_conversation(browser, web):
    open_chat(browser, web.url)
    before = len(bubbles(browser))
    say(browser, "I am a nurse and I think a patient of mine is being trafficked")
    settle(browser, before)
    before = len(bubbles(browser))
    say(browser, "Bergen")
    settle(browser, before)
    for title in (phrase("en", "button_staff_steps"), phrase("en", "button_no"), phrase("en", "button_no"),
                  phrase("en", "button_exploitation_labour")):
        press(browser, title)
    printing = browser.find_elements(By.CSS_SELECTOR, "#log .print-steps")
    assert len(printing) == 1 and printing[0].text == web_phrase("en", "print_steps")
    browser.execute_script("window.print = function () { window.printed = true; };")
    click(browser, printing[0])
    assert browser.execute_script("return window.printed") is True
    sheet = browser.find_element(By.ID, "print").get_attribute("textContent")
    assert web_phrase("en", "print_heading") in sheet and phrase("en", "sr_steps_intro") in sheet
    assert web_phrase("en", "print_note") in sheet
    assert "nurse" not in sheet and "Bergen" not in sheet.split(phrase("en", "sr_steps_intro"))[0], \
        "nothing the professional wrote is printed"
    assert not browser.find_element(By.ID, "print").is_displayed(), "on screen the sheet stays hidden"


def test_controls_are_labelled_and_answers_are_announced(browser, web):
    open_chat(browser, web.url)
    assert browser.find_element(By.ID, "log").get_attribute("aria-live") == "polite"
    assert browser.find_element(By.ID, "status").get_attribute("role") == "status"
    for control in ("input", "language"):
        label = browser.find_element(By.CSS_SELECTOR, f"label[for={control}]")
        assert label.get_attribute("textContent").strip()
    for button in browser.find_elements(By.CSS_SELECTOR, "button, a"):
        assert button.get_attribute("textContent").strip(), "every button and link says what it does"
    focused = []
    for _ in range(6):  # keyboard only, from the top of the page
        ActionChains(browser).send_keys(Keys.TAB).perform()
        element = browser.switch_to.active_element
        focused.append(element.get_attribute("id") or element.get_attribute("href"))
    assert focused[:2] == ["tel:112", "exit"], "112, then Quick exit, are the first stops"
    assert {"language", "delete"} <= set(focused)
    problems = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert problems == [], "no Content-Security-Policy violation, no script error"


def test_with_rasa_stopped_the_emergency_numbers_come_within_5_seconds(browser, web_without_rasa):
    open_chat(browser, web_without_rasa.url, "th")
    before = len(bubbles(browser))
    started = time.monotonic()
    say(browser, "ช่วยด้วย เขาขังฉันไว้")
    WebDriverWait(browser, 5).until(lambda d: len(bubbles(d)) > before)
    assert time.monotonic() - started <= 5
    answer = bubbles(browser)[-1]
    assert "notice" in answer.get_attribute("class")
    calls = {link.get_attribute("href") for link in answer.find_elements(By.CSS_SELECTOR, "a[href^='tel:']")}
    assert {"tel:112", "tel:22331160", "tel:+4570202550", "tel:0739206817"} <= calls
    assert gateway_phrase("th", "fault") in answer.text
    assert browser.find_element(By.ID, "numbers").get_attribute("open") is not None
