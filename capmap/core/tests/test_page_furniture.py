"""What every page draws around its content (links, skip link, breadcrumbs) is the same
whether it comes from the process's memory or is drawn afresh."""

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from capmap.core.links import page_url, static_url


def jinja():
    return engines["jinja2"].env


def test_a_page_address_is_the_one_reverse_gives():
    assert page_url("core:healthz") == reverse("core:healthz")


def test_a_page_address_follows_the_script_prefix_of_the_request():
    # A site served under a folder: the remembered address must not leak across prefixes.
    plain = page_url("core:healthz")
    set_script_prefix("/capmap/")
    try:
        assert page_url("core:healthz") == "/capmap" + plain
    finally:
        set_script_prefix("/")
    assert page_url("core:healthz") == plain


def test_a_static_file_address_is_the_one_static_gives_and_follows_the_settings():
    from django.templatetags.static import static
    from django.test import override_settings

    name = "capmap/capmap.css"
    assert static_url(name) == static(name)
    with override_settings(STATIC_URL="/assets/"):
        assert static_url(name) == "/assets/" + name
    assert static_url(name) == static(name)


@pytest.mark.parametrize("template_class", ["jinja", "ours"])
def test_an_imported_macro_sees_the_globals_its_page_was_given(template_class):
    import jinja2

    from capmap.config.jinja2_env import ImportingTemplate

    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "macros": "{% macro hello() %}{{ greeting | default('hello') }}{% endmacro %}",
                "page": "{% import 'macros' as m %}{{ m.hello() }}",
            }
        ),
        autoescape=True,
    )
    env.template_class = ImportingTemplate if template_class == "ours" else jinja2.Template
    assert env.get_template("page").render() == "hello"
    # Globals only a page has reach the macros it imports, as with Jinja's own template.
    assert (
        env.from_string(
            "{% import 'macros' as m %}{{ m.hello() }}", globals={"greeting": "good morning"}
        ).render()
        == "good morning"
    )
    assert env.get_template("page").render() == "hello"


def test_a_remembered_breadcrumb_trail_is_the_trail_the_macro_draws():
    items = [{"text": "Home", "href": "/"}, {"text": "Maya <Chaudhry>", "href": "/people/1/"}]
    macro = jinja().get_template("nhsuk/components/breadcrumb/macro.jinja").module.breadcrumb
    drawn = str(jinja().globals["component"]("breadcrumb", {"items": items}))
    assert drawn == str(macro({"items": items}))
    assert "Maya &lt;Chaudhry&gt;" in drawn  # still escaped


def test_a_component_with_values_json_cannot_carry_is_drawn_afresh():
    class Label:
        def __str__(self):
            return "Back to the list"

    drawn = str(jinja().globals["component"]("back-link", {"text": Label(), "href": "/x/"}))
    assert "Back to the list" in drawn and 'href="/x/"' in drawn


@pytest.mark.django_db
def test_the_skip_link_leads_to_the_main_content_on_every_page(client):
    page = client.get(reverse("account_login")).content.decode()
    assert page.count('href="#maincontent"') == 1
    assert "Skip to main content" in page


def test_html_given_as_markup_stays_html():
    from markupsafe import Markup

    params = {"text": Markup("<strong>Back</strong>"), "href": "/x/"}
    assert "<strong>Back</strong>" in str(jinja().globals["component"]("back-link", params))


def test_html_given_as_markup_deep_in_the_parameters_stays_html_every_time():
    from markupsafe import Markup

    component = jinja().globals["component"]
    trail = [{"text": "Home", "href": "/"}, {"text": Markup("<b>Maya</b>"), "href": "/p/"}]
    for _ in range(2):  # drawn, then asked again: never remembered as plain text
        drawn = str(component("breadcrumb", {"items": trail}))
        assert "<b>Maya</b>" in drawn and "&lt;b&gt;" not in drawn


def test_a_long_select_is_the_select_the_macro_draws_with_the_answer_chosen():
    items = [{"value": str(n), "text": f"Practice {n}", "selected": n == 7} for n in range(500)]
    params = {"id": "employer", "name": "employer", "label": {"text": "Team"}, "items": items}
    macro = jinja().get_template("nhsuk/components/select/macro.jinja").module.select
    drawn = str(jinja().globals["component"]("select", params))
    assert drawn == str(macro(params))
    assert '<option value="7" selected' in drawn
    items[7]["selected"], items[8]["selected"] = False, True
    again = str(jinja().globals["component"]("select", params))
    assert '<option value="8" selected' in again and '<option value="7" selected' not in again


@pytest.mark.django_db
def test_an_empty_box_is_the_box_the_macro_draws_and_a_typed_one_is_never_kept():
    from django import forms

    class Search(forms.Form):
        q = forms.CharField(label="Search by name", required=False)

    env = jinja()
    field = env.from_string(
        '{% from "components/form-field/macro.jinja" import app_field %}{{ app_field(f.q) }}'
    )
    macro = env.get_template("nhsuk/components/input/macro.jinja").module.input
    empty = Search({}).__getitem__("q")
    drawn = field.render(f=Search({}))
    assert drawn.strip() == str(macro(env.globals["field_params"](empty, {}))).strip()
    assert 'name="q"' in drawn and "value=" not in drawn.replace('value=""', "")

    typed = field.render(f=Search({"q": "Chaudhry <script>"}))
    assert 'value="Chaudhry &lt;script&gt;"' in typed
    cache = next(  # what the process keeps: the component function's own entries
        cell.cell_contents
        for cell in env.globals["component"].__closure__
        if isinstance(cell.cell_contents, dict)
    )
    assert not any("Chaudhry" in html for html in cache.values())
    assert any('name="q"' in html for html in cache.values())


def test_a_remembered_day_reads_as_djangos_formatter_writes_it_in_the_language_in_use():
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    render = jinja().from_string("{{ day | date }}|{{ day | date('j F Y') }}").render
    day = datetime.date(2024, 3, 5)
    assert render(day=day) == "5 Mar 2024|5 March 2024"
    assert render(day=day) == f"{date_format(day, 'j M Y')}|{date_format(day, 'j F Y')}"
    with translation.override("fr"):
        assert render(day=day).endswith("|5 mars 2024")
        assert render(day=day) == f"{date_format(day, 'j M Y')}|{date_format(day, 'j F Y')}"
    assert render(day=day) == "5 Mar 2024|5 March 2024"
    moment = datetime.datetime(2024, 3, 5, 14, 30, tzinfo=datetime.UTC)
    assert jinja().from_string("{{ moment | date('j M Y H:i') }}").render(moment=moment) == (
        date_format(moment, "j M Y H:i")
    )
    assert render(day=None) == "|"
