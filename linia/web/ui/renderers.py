"""The form renderer: Django's, with `<select>` drawn in Python.

Django renders every `<option>` through two template includes (the option and its attributes),
about 0.2 ms each: the queue's filters (300 organizations, every staff member) and the ticket
page's pickers spent most of their time there. This renderer writes the same bytes directly
for the stock select templates and leaves every other widget to the templates.
`linia/web/ui/tests/test_renderers.py` checks that both ways give identical HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: Mapping[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False drops the attribute, True writes its bare name.
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: Mapping[str, Any]) -> str:
    value = conditional_escape(str(option["value"]))
    label = conditional_escape(option["label"])
    # The option template file ends with a newline, which the include keeps.
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def render_select(widget: Mapping[str, Any]) -> str | None:
    """The HTML of Django's select.html for this widget context; None if an option asks for
    another template (a custom widget), so that the template renders it."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template output
    return "".join(parts)


class FastSelectRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's template renderer with the select fast path."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return str(super().render(template_name, context, request=request))
