"""``{% bilingual %}…{% endbilingual %}``: the school's language first, English beside it.

School officials abroad get their pages and e-mails in the school's language (docs/i18n.md),
but the request comes from a US body and the official may forward it to a colleague who
reads English: every text stays readable in both. The tag renders its content in the
active language and, unless that is English, renders the same content again with English
active, in ``<span class="english-beside" lang="en" dir="ltr">``. Its content uses the
ordinary ``{% translate %}`` tags (so ``makemessages`` finds them); a lazily translated form
label inside it comes out in each language too. (E-mails to schools are rendered whole
twice instead: ``credentials.services.verification_emails``.)
"""

from __future__ import annotations

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ENGLISH = "en"


class BilingualNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString | str:
        own = self.nodelist.render(context)
        if (translation.get_language() or ENGLISH).split("-")[0] == ENGLISH:
            return own
        with translation.override(ENGLISH):
            english = self.nodelist.render(context)
        if english.strip() == own.strip():
            return own  # nothing translated (a name, a number): say it once
        return format_html(
            '{} <span class="english-beside" lang="en" dir="ltr">{}</span>',
            mark_safe(own),
            mark_safe(english),
        )


@register.tag
def bilingual(parser: Parser, token: Token) -> BilingualNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% bilingual %} takes no arguments")
    nodelist = parser.parse(("endbilingual",))
    parser.delete_first_token()
    return BilingualNode(nodelist)
