"""The fast select path writes exactly what Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from linia.web.ui.renderers import FastSelectRenderer

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
    assert widget.render("organization", value, renderer=FastSelectRenderer()) == expected


def test_it_is_the_project_renderer():
    assert isinstance(get_default_renderer(), FastSelectRenderer)
