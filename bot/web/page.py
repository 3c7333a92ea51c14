"""The chat page, rendered in the page's language: its labels, the danger bar and the emergency numbers.

Everything a person must see without a turn (112, the quick exit, the
country's numbers) is in the HTML itself, so it shows even when Rasa, the
network after the first load or JavaScript fails. The page's texts for the
script travel in a JSON data block, which a strict Content-Security-Policy
allows (it is not executed).
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any

from bot.contract import MAX_TEXT

TEMPLATE = Template((Path(__file__).resolve().parent / "static" / "index.html").read_text(encoding="utf-8"))


def render_parts(parts: list[dict[str, Any]]) -> str:
    """Parts (``bot.web.links``) as escaped HTML: text, ``tel:`` links held left to right, web links."""
    out = []
    for part in parts:
        text = html.escape(part["text"])
        if "tel" in part:
            out.append(f'<a href="{html.escape(part["tel"])}" dir="ltr">{text}</a>')
        elif "url" in part:
            out.append(f'<a href="{html.escape(part["url"])}" rel="noopener noreferrer" target="_blank">{text}</a>')
        else:
            out.append(text.replace("\n", "<br>"))
    return "".join(out)


def data_block(value: Any) -> str:
    """JSON that cannot end its <script> element early."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(texts: dict[str, Any], menu: list[dict[str, str]], exit_url: str) -> str:
    labels = texts["labels"]
    options = "".join(
        f'<option value="{item["code"]}" lang="{item["code"]}" dir="{item["dir"]}"'
        f'{" selected" if item["code"] == texts["language"] else ""}>{html.escape(item["name"])}</option>'
        for item in menu
    )
    values = {key: html.escape(value) for key, value in labels.items()}
    return TEMPLATE.substitute(
        values,
        lang=texts["language"],
        dir=texts["dir"],
        danger=render_parts(texts["danger"]),
        numbers=render_parts(texts["numbers"]),
        options=options,
        exit_url=html.escape(exit_url),
        max_text=MAX_TEXT,
        data=data_block({"texts": texts, "exit": exit_url}),
    )
