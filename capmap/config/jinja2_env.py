"""The one Jinja2 environment: NHS.UK frontend macros, our components, Django helpers."""

import json
from collections.abc import Callable
from functools import lru_cache

import jinja2
from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader

from capmap.core.forms import error_list, field_params


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


_MARKER = 987654321


def url_for_each(name: str) -> Callable[[int], str]:
    """`url(name, pk)` for every row of a long table: reversed once, with a marker where
    the key goes (a table of 440 organisations with four links a row reversed 1,760 URLs,
    a third of the page's time)."""
    head, _, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def csrf_field(request) -> str:
    """The CSRF hidden input, for macros imported without the page context."""
    return jinja2.utils.markupsafe.Markup(
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    )


def format_date(value, fmt: str = "j M Y") -> str:
    return date_format(value, fmt) if value else ""


def _navigation_links(user):
    from capmap.config.navigation import navigation_links

    return navigation_links(user)


def _menu_items(user, path: str):
    from capmap.config.navigation import menu_items

    return menu_items(user, path)


def _landing_links(user):
    from capmap.config.navigation import landing_links

    return landing_links(user)


def remembered_component(env: jinja2.Environment) -> Callable[[str, dict], str]:
    """`component(name, params)`: an NHS.UK component's HTML, rendered once a process for
    the same parameters.

    The header is drawn on every page by about forty nested macro calls (a fifth of a
    light page's time), for a handful of distinct inputs (the person's menu and address).
    A component's output depends on its parameters alone (it is imported without the
    page's context), so the HTML made for one set of parameters serves every later page
    with the same ones; the parameters themselves, the person's menu included, are still
    worked out on each request.
    """

    @lru_cache(maxsize=1024)
    def render(name: str, params: str) -> str:
        macro_name = "".join(part.title() if i else part for i, part in enumerate(name.split("-")))
        module = env.get_template(f"nhsuk/components/{name}/macro.jinja").module
        return getattr(module, macro_name)(json.loads(params))

    def component(name: str, params: dict) -> str:
        return render(name, json.dumps(params, sort_keys=True))

    return component


def _template_dirs() -> list[str]:
    from django.apps import apps

    dirs = []
    for config in apps.get_app_configs():
        folder = f"{config.path}/jinja2"
        dirs.append(folder)
    return dirs


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
    env.globals.update(
        {
            "url": url,
            "url_for_each": url_for_each,
            "static": static,
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
