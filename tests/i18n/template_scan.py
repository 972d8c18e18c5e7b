"""Finding user-visible text that a template shows outside a translation tag.

Django's own template lexer splits a template into text, variables, tags and comments;
text outside ``{% translate %}``/``{% blocktranslate %}…{% endblocktranslate %}`` (and outside
``{% comment %}``) is what a reader would see untranslated. In HTML the markup itself is
not text, but the attributes a reader or a screen reader gets are (``title``, ``alt``,
``aria-label``, ``placeholder``). Official names (ECFMG, USMLE…), numbers and punctuation
are not words to translate.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
VISIBLE_ATTRIBUTES = re.compile(r"""\b(?:title|alt|aria-label|placeholder)\s*=\s*("[^"]*"|'[^']*')""")
NOT_WORDS = re.compile(
    r"\b(?:ECFMG|USMLE|USMLE/ECFMG|ID|PDF|JPEG|PNG|TIFF|MB|CK|DOCTYPE|doctype|html|nbsp|amp)\b"
)
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
OPENERS = {"blocktranslate", "blocktrans", "comment"}
CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment"}


MARK = "\x01"  # stands for anything a template tag or variable puts there: not a word


def _visible_text(text: str, *, html: bool) -> list[str]:
    if not html:
        return text.split(MARK)
    pieces = [value[1:-1] for value in VISIBLE_ATTRIBUTES.findall(text)]
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", MARK, text)
    return [*text.split(MARK), *pieces]


def template_path(name: str) -> Path:
    """``name`` relative to templates/, or an app's template named from the repository root
    (``certificates/templates/certificates/detail.html``)."""
    return ROOT / name if "/templates/" in name else TEMPLATES / name


def untranslated_text(name: str) -> list[str]:
    """The words template ``name`` (see ``template_path``) shows outside translation tags."""
    source = template_path(name).read_text(encoding="utf-8")
    # The template with every tag, variable and translated text replaced by MARK, so that
    # markup cut by a template tag (<option{% if %} selected{% endif %}>) is still markup.
    plain: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0] if token.contents else ""
            if tag in OPENERS:
                depth += 1
            elif tag in CLOSERS:
                depth -= 1
            plain.append(MARK)
        elif token.token_type == TokenType.TEXT and not depth:
            plain.append(token.contents)
        elif token.token_type != TokenType.COMMENT:
            plain.append(MARK)
    found = []
    for piece in _visible_text("".join(plain), html=name.endswith(".html")):
        words = NOT_WORDS.sub(" ", piece)
        if LETTER.search(words):
            found.append(" ".join(piece.split())[:80])
    return found
