"""Jinja2: its environment, the one layout every page shares, and how a view renders a Jinja2
template whole (inside the layout) or in parts (its blocks, for htmx).

Jinja2 compiles a template to Python; Django's engine resolves each variable, tag and filter
through layers of lookups. The customer's screen, the frontline's hot path, cost 4.2 ms of
CPU through Django's engine, half of its view (bench/README.md), so it is a Jinja2 template,
and so is the layout: Django's pages come to it through core/base.html's `{% layout %}` tag
(core/templatetags/layout.py), so that there is one layout for both engines.

Strings are marked the one way `makemessages` reads in these files, `{{ _("…") }}`, with
placeholders filled by `|format(name=…)` (the msgids are those of `{% blocktranslate %}`);
plurals are worded in Python (`ngettext`). As in Django's templates, a translation is trusted
and what fills it is escaped. The filters are Django template libraries' own (named by the
`libraries` option in settings), so both engines show a value the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import import_module
from itertools import chain
from typing import Any

import jinja2
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import defaultfilters, engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext, trans_real
from django_htmx.jinja import htmx_script
from markupsafe import Markup, escape

from symetrie.core.dates import format_date
from symetrie.core.links import fixed_url

LAYOUT = "core/layout.html"


def environment(*, libraries: Sequence[str] = (), **options: Any) -> jinja2.Environment:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    # `_()` returns Markup, and `Markup % values` (the `format` filter) escapes the values.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _trusted(gettext), _trusted(ngettext), newstyle=False
    )
    env.globals.update(url=url, static=static, htmx_script=htmx_script)
    for library in libraries:
        env.filters.update(import_module(library).register.filters)
    env.filters.update(date=date, linebreaksbr=linebreaksbr, urlencode=defaultfilters.urlencode)
    return env


def _trusted(translate: Callable[..., str]) -> Callable[..., Markup]:
    return lambda *args: Markup(translate(*args))


def url(name: str, *args: object) -> str:
    return reverse(name, args=args) if args else fixed_url(name)


def date(value: dt.date | dt.datetime | None, fmt: str = "DATE_FORMAT") -> str:
    """Django's `date` filter, in the current time zone (Django's engine converts first)."""
    return "" if value is None else format_date(value, fmt)


def linebreaksbr(value: str) -> Markup:
    """Django's `linebreaksbr`, escaping as the rest of the page does (markupsafe)."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return Markup(str(escape(lines)).replace("\n", "<br>"))


def render_page(
    request: HttpRequest, name: str, context: Mapping[str, Any], *, title: str
) -> HttpResponse:
    """The whole page: the template inside the layout, with what Django's context processors
    give every page (the navigation, the messages, the languages)."""
    values = _with_request(request, context)
    template = _template(name)
    body = Markup(template.render(values))
    _rendered(template, values)
    page = {**_processed(request), **values}
    return HttpResponse(layout_html(request, page, title=escape(title), body=body))


def render_blocks(
    request: HttpRequest, name: str, blocks: Iterable[str], context: Mapping[str, Any]
) -> HttpResponse:
    """Some blocks of the template, in this order: the parts an htmx request swaps."""
    template = _template(name)
    values = _with_request(request, context)
    _rendered(template, values)
    live = template.new_context(values)
    return HttpResponse(
        "".join(chain.from_iterable(template.blocks[block](live) for block in blocks))
    )


def layout_html(request: HttpRequest, context: Mapping[str, Any], *, title: str, body: str) -> str:
    """The layout around a page's title and body, both already rendered and escaped."""
    values = _with_request(request, context)
    return _template(LAYOUT).render({**values, "title": Markup(title), "body": Markup(body)})


def _rendered(template: jinja2.Template, context: dict[str, Any]) -> None:
    """What Django's engine signals once the test environment is set up, so that the test
    client shows a Jinja2 page's context (`response.context`) as it shows a Django page's.
    `django.test` is loaded where tests run only: elsewhere there is nothing to tell."""
    signals = sys.modules.get("django.test.signals")
    if signals is not None:
        signals.template_rendered.send(sender=template, template=template, context=context)


def _template(name: str) -> jinja2.Template:
    return engines["jinja2"].get_template(name).template  # type: ignore[attr-defined,no-any-return]


def _processed(request: HttpRequest) -> dict[str, Any]:
    """What Django's context processors (settings.TEMPLATES) give a page of Django's."""
    values: dict[str, Any] = {}
    for processor in engines["django"].engine.template_context_processors:  # type: ignore[attr-defined]
        values.update(processor(request))
    return values


def _with_request(request: HttpRequest, context: Mapping[str, Any]) -> dict[str, Any]:
    """What Django's Jinja2 backend adds to a template's context, with the CSRF token masked
    once for the response as Django's `{% csrf_token %}` does (the backend masks it anew for
    every form: 32 random characters each, a tenth of the screen's rendering), and the
    request's catalog for `_()` (Jinja2 looks `gettext` up in the context first), found once
    for the page rather than for each of its ~80 strings."""
    token = str(context.get("csrf_token") or get_token(request))
    field = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(token)
    gettext, ngettext = _translator(trans_real.catalog())
    return {
        **context,
        "request": request,
        "csrf_input": field,
        "csrf_token": token,
        "gettext": gettext,
        "ngettext": ngettext,
    }


@functools.lru_cache(maxsize=32)
def _translator(
    catalog: Any,
) -> tuple[Callable[[str], Markup], Callable[[str, str, int], Markup]]:
    """gettext and ngettext of one catalog, trusted as `_trusted` makes them; the strings
    of a template, translated once."""
    translated: dict[str, Markup] = {}

    def gettext(message: str) -> Markup:
        found = translated.get(message)
        if found is None:
            found = translated[message] = Markup(catalog.gettext(message))
        return found

    def ngettext(singular: str, plural: str, count: int) -> Markup:
        return Markup(catalog.ngettext(singular, plural, count))

    return gettext, ngettext
