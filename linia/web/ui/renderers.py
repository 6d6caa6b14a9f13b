"""The form renderer: Django's, with `<select>`, `<input>` and `<textarea>` drawn in Python.

Django renders every `<option>` through two template includes (the option and its attributes),
about 0.2 ms each: the queue's filters (300 organizations, every staff member) and the ticket
page's pickers spent most of their time there. A plain input or textarea costs two or three
includes too (~0.2 ms each): the ticket page's forms have a dozen. This renderer writes the
same bytes directly for Django's stock templates of these widgets and leaves every other
widget to the templates. `linia/web/ui/tests/test_renderers.py` checks that both ways give
identical HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# The stock templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "search", "tel",
        "color", "date", "datetime", "time", "checkbox",
    )
)  # fmt: skip


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


def render_input(widget: Mapping[str, Any]) -> str:
    """The HTML of Django's input.html for this widget context."""
    value = widget["value"]
    shown = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: Mapping[str, Any]) -> str:
    """The HTML of Django's textarea.html for this widget context."""
    value = widget["value"]
    shown = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{shown}</textarea>"
    )


class FastWidgetRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's template renderer with the fast paths."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html is not None:
                return html
        elif template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        elif template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        return str(super().render(template_name, context, request=request))
