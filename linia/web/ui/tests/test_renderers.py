"""The fast select, input and textarea paths write exactly what Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from linia.web.ui.renderers import FastWidgetRenderer

ORGANIZATIONS = [("", "Any"), *[(i, f'Org <{i}> & "co"') for i in range(1, 40)]]


class StarOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=ORGANIZATIONS), 5),
        (forms.Select(choices=ORGANIZATIONS), None),
        (forms.Select(choices=ORGANIZATIONS, attrs={"id": "id_x", "required": True}), ""),
        (forms.Select(choices=[(1, "a")], attrs={"data-q": 'a"b', "disabled": False}), 1),
        (forms.Select(choices=[("Group <1>", [(1, "a"), (2, "b")]), (3, "c")]), 2),
        (forms.SelectMultiple(choices=ORGANIZATIONS[:6]), [1, 3]),
        (forms.NullBooleanSelect(), True),
        (StarOption(choices=[(1, "a"), (2, "b")]), 2),
    ],
)
def test_select_html_is_identical(widget, value):
    expected = widget.render("organization", value, renderer=DjangoTemplates())
    assert widget.render("organization", value, renderer=FastWidgetRenderer()) == expected


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput(), 'Printer <HP> & "co"'),
        (forms.TextInput(attrs={"maxlength": 200, "required": True, "autofocus": False}), None),
        (forms.NumberInput(attrs={"min": 0, "step": "0.25"}), 1.5),
        (forms.NumberInput(), 0),
        (forms.EmailInput(), ""),
        (forms.URLInput(), "https://example.com/?a=1&b=2"),
        (forms.PasswordInput(render_value=True), "s3cr<e>t"),
        (forms.PasswordInput(), "never shown"),
        (forms.HiddenInput(), 42),
        (forms.DateInput(), "2026-12-03"),
        (forms.TimeInput(attrs={"type": "time"}), "09:30"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.CheckboxInput(), "on"),
        (forms.Textarea(), "Line 1\n<b>Line 2</b> & more"),
        (forms.Textarea(attrs={"rows": 3, "placeholder": 'Say "hi"'}), ""),
        (forms.Textarea(), None),
        (forms.Textarea(), 0),
    ],
)
def test_input_and_textarea_html_is_identical(widget, value):
    expected = widget.render("field", value, renderer=DjangoTemplates())
    assert widget.render("field", value, renderer=FastWidgetRenderer()) == expected


def test_other_widgets_still_use_the_templates():
    widget = forms.ClearableFileInput()
    expected = widget.render("file", None, renderer=DjangoTemplates())
    assert widget.render("file", None, renderer=FastWidgetRenderer()) == expected


def test_it_is_the_project_renderer():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
