"""The README's screenshots of the web chat, taken from the real assistant in headless Chromium.

    .venv/bin/python tests/web/screenshots.py docs/img

Starts the action server, Rasa and ``veiviser web``, asks one question on a
360-px phone and on a desktop, and saves web-phone.png and web-desktop.png.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import chromium, web_chat  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from bot.stack import Stack  # noqa: E402

QUESTION = "My boss took my passport and does not pay me. I am in Bergen."


def shoot(url: str, out: Path, phone: bool) -> None:
    driver, _ = chromium(phone=phone)
    try:
        driver.get(url + "/?lang=en")
        field = driver.find_element(By.ID, "input")
        field.send_keys(QUESTION, Keys.ENTER)
        WebDriverWait(driver, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#log li.bot")) > 1
                                        and "busy" not in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
        driver.execute_script("document.querySelector('#log li.you').scrollIntoView({block: 'start'});"
                              "window.scrollBy(0, -120);")
        driver.save_screenshot(str(out))
    finally:
        driver.quit()


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with Stack() as stack, web_chat(stack.rasa_url, "https://www.yr.no/") as web:
        shoot(web.url, out / "web-phone.png", phone=True)
        shoot(web.url, out / "web-desktop.png", phone=False)
    print(f"saved {out}/web-phone.png and {out}/web-desktop.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
