"""Every static file a template names exists as a file: production's manifest storage
(hashed names, `collectstatic`) knows files only, and a missing name fails the page."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

import capmap

# static('...') with a literal name; names built with `~` are checked through their parts.
STATIC_CALL = re.compile(r"""static\(\s*(['"])([^'"]+)\1\s*\)""")


def named_static_files() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for template in Path(capmap.__file__).parent.rglob("jinja2/**/*"):
        if template.suffix not in (".jinja", ".html"):
            continue
        for match in STATIC_CALL.finditer(template.read_text()):
            names.setdefault(match.group(2), []).append(str(template))
    return names


def test_every_static_name_in_a_template_is_a_file():
    names = named_static_files()
    assert names  # the layout names the stylesheet, icons and scripts
    folders_or_missing = {
        name: templates
        for name, templates in names.items()
        if not (found := finders.find(name)) or not Path(found).is_file()
    }
    assert folders_or_missing == {}
