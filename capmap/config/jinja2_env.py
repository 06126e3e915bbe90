"""The one Jinja2 environment: NHS.UK frontend macros, our components, Django helpers."""

import datetime
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

import jinja2
from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader

from capmap.core.forms import error_list, field_params
from capmap.core.links import page_url, static_url, url_for_each


def url(name: str, *args, **kwargs) -> str:
    if not args and not kwargs:
        return page_url(name)
    return reverse(name, args=args or None, kwargs=kwargs or None)


# HTML of remembered components a process keeps: a few thousand headers and trails, or a
# few hundred long selects.
REMEMBERED_CHARACTERS = 8_000_000


def csrf_field(request) -> str:
    """The CSRF hidden input, for macros imported without the page context."""
    return jinja2.utils.markupsafe.Markup(
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    )


def format_date(value, fmt: str = "j M Y") -> str:
    if not value:
        return ""
    if type(value) is datetime.date:
        return _formatted_day(value, fmt, get_language())
    return date_format(value, fmt)


# A list page formats the same few hundred days over and over, at 18 µs each through
# Django's formatter; a day's text depends only on the format and the language.
@functools.lru_cache(maxsize=4096)
def _formatted_day(day: datetime.date, fmt: str, language: str) -> str:
    return date_format(day, fmt)


def _navigation_links(user):
    from capmap.config.navigation import navigation_links

    return navigation_links(user)


def _menu_items(user, path: str):
    from capmap.config.navigation import menu_items

    return menu_items(user, path)


def _landing_links(user):
    from capmap.config.navigation import landing_links

    return landing_links(user)


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value) -> bool:
    """Made of JSON's own types only, so that JSON gives back the same parameters: not
    Markup (a str that must stay unescaped), a lazy translation or a model. Asked of
    every remembered component, a 440-option select included: loops, not generators."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _JSON_SCALARS and not _plain(item)):
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 - all() over a generator measured 3x slower here
            if type(item) not in _JSON_SCALARS and not _plain(item):
                return False
        return True
    return False


def remembered_component(env: jinja2.Environment) -> Callable[[str, dict], str]:
    """`component(name, params)`: an NHS.UK component's HTML, rendered once a process for
    the same parameters.

    The header is drawn on every page by about forty nested macro calls (a fifth of a
    light page's time), for a handful of distinct inputs (the person's menu and address).
    A component's output depends on its parameters alone (it is imported without the
    page's context), so the HTML made for one set of parameters serves every later page
    with the same ones; the parameters themselves, the person's menu included, are still
    worked out on each request.

    Form fields with choices come here too: the select of an ICS's 440 organisations on
    the people page took two thirds of that page's time, drawn option by option. Entries
    are kept by a digest of their parameters, within REMEMBERED_CHARACTERS of HTML a
    process, the least recently used forgotten first.
    """
    remembered: OrderedDict[tuple[str, bytes], str] = OrderedDict()
    held = 0
    lock = threading.Lock()

    def draw(name: str, params: dict) -> str:
        macro_name = "".join(part.title() if i else part for i, part in enumerate(name.split("-")))
        module = env.get_template(f"nhsuk/components/{name}/macro.jinja").module
        return getattr(module, macro_name)(params)

    def component(name: str, params: dict) -> str:
        nonlocal held
        if not _plain(params):
            return draw(name, params)
        text = json.dumps(params, sort_keys=True)
        key = (name, hashlib.sha256(text.encode()).digest())
        with lock:
            html = remembered.get(key)
            if html is not None:
                remembered.move_to_end(key)
                return html
        # Drawn from what the key was made of, so the HTML is a function of the key alone.
        html = draw(name, json.loads(text))
        with lock:
            if key not in remembered:
                remembered[key] = html
                held += len(html)
            while held > REMEMBERED_CHARACTERS and len(remembered) > 1:
                held -= len(remembered.popitem(last=False)[1])
        return html

    return component


def _template_dirs() -> list[str]:
    from django.apps import apps

    dirs = []
    for config in apps.get_app_configs():
        folder = f"{config.path}/jinja2"
        dirs.append(folder)
    return dirs


class ImportingTemplate(jinja2.Template):
    """Jinja's template, with the check each `{% import %}` makes done by the C set code.

    Importing a template asks which of the page's globals the imported one lacks, as
    `set - ChainMap.keys()`: Python's generic set code, a membership test through every
    map for each of our twenty globals. Five imports cost the layout 8% of its time. The
    same set, as `set.difference(ChainMap)`, is worked out in C; with nothing missing,
    as on every page of ours, the module Jinja keeps is reused as before.
    """

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None
        return super()._get_default_module(ctx)


def environment(**options) -> jinja2.Environment:
    # Passing our own loader makes Django ignore DIRS and APP_DIRS, so app folders go in here.
    options["loader"] = ChoiceLoader(
        [
            FileSystemLoader(_template_dirs()),
            PackageLoader("nhsuk_frontend_jinja", "templates"),
        ]
    )
    options["undefined"] = jinja2.ChainableUndefined
    options.setdefault("autoescape", True)
    options["extensions"] = ["jinja2.ext.do"]
    env = jinja2.Environment(**options)  # noqa: S701 - autoescape is set above
    env.template_class = ImportingTemplate
    env.globals.update(
        {
            "url": url,
            "url_for_each": url_for_each,
            "static": static_url,
            "csrf_field": csrf_field,
            "get_messages": messages.get_messages,
            "settings": settings,
            "nhsuk_version": "10.6.1",
            "navigation_links": _navigation_links,
            "menu_items": _menu_items,
            "landing_links": _landing_links,
            "field_params": field_params,
            "form_error_list": error_list,
        }
    )
    env.globals["component"] = remembered_component(env)
    env.filters["date"] = format_date
    return env
