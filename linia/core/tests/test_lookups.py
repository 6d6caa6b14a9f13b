"""`field__any` (a list as one parameter) and `field__among` (constants written into the SQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.tickets.models import Category


@pytest.fixture
def categories(db) -> list[Category]:
    return [Category.objects.create(name=f"Category {n}") for n in range(3)]


def test_any_is_membership_in_a_list(categories):
    first, _second, third = categories
    picked = Category.objects.filter(pk__any=[third.pk, first.pk]).order_by("pk")
    assert list(picked) == [first, third]
    assert list(Category.objects.filter(pk__any=[])) == []
    assert list(Category.objects.exclude(pk__any=[first.pk]).order_by("pk")) == categories[1:]


def test_any_sends_the_list_as_one_parameter_on_postgresql(categories):
    ids = [category.pk for category in categories]
    with CaptureQueriesContext(connection) as captured:
        list(Category.objects.filter(pk__any=ids))
    if connection.vendor == "postgresql":
        assert "= ANY(" in captured[0]["sql"]
    else:
        assert " IN (" in captured[0]["sql"]


def test_among_writes_plain_words_and_integers_into_the_sql(categories):
    with CaptureQueriesContext(connection) as captured:
        names = list(Category.objects.filter(name__among=["Category_1", "x"]).values_list("pk"))
        picked = list(Category.objects.filter(pk__among=[categories[1].pk]))
    assert names == []
    assert "IN ('Category_1', 'x')" in captured[0]["sql"]
    assert f"IN ({categories[1].pk})" in captured[1]["sql"]
    assert picked == [categories[1]]
    assert list(Category.objects.filter(pk__among=[])) == []


@pytest.mark.parametrize("value", ["x' OR '1'='1", "new open", "", "%s", 1.5, None])
def test_among_refuses_anything_but_constants(categories, value):
    with pytest.raises(ValueError, match="plain words or integers"):
        list(Category.objects.filter(name__among=[value]))
