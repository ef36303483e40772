"""`{% layout %}title{% body %}content{% endlayout %}`: a Django page inside the one layout
every page shares, the Jinja2 template core/layout.html (see core/jinja.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context

from symetrie.core.jinja import layout_html

register = template.Library()


class LayoutNode(Node):
    # Where Django looks for the page's {% block %}s, so that a child template fills them.
    child_nodelists = ("title", "body")

    def __init__(self, title: NodeList, body: NodeList) -> None:
        self.title = title
        self.body = body

    def render(self, context: Context) -> str:
        request = getattr(context, "request", None)
        if request is None:
            raise template.TemplateSyntaxError("{% layout %} needs a RequestContext (render()).")
        title, body = self.title.render(context), self.body.render(context)
        values: dict[str, Any] = context.flatten()  # type: ignore[assignment]
        return layout_html(request, values, title=title, body=body)


@register.tag
def layout(parser: Parser, token: Token) -> LayoutNode:
    title = parser.parse(("body",))
    parser.delete_first_token()
    body = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(title, body)
