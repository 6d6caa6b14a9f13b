from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from linia.web.ui.templatetags.linia_ui import age, tier, when

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=5), "5 s"),
        (timedelta(minutes=12, seconds=30), "12 min"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(days=4, hours=2, minutes=59), "4 d 2 h"),
        (timedelta(days=75), "75 days"),
        (timedelta(seconds=-30), "0 s"),
    ],
)
def test_age(delta, text):
    assert age(NOW - delta, NOW) == text


def test_age_and_when_of_nothing():
    assert age(None) == ""
    assert when(None) == ""


def test_when_uses_the_active_time_zone():
    import zoneinfo

    with timezone.override(zoneinfo.ZoneInfo("Europe/Warsaw")):
        assert str(when(NOW)) == (
            '<time datetime="2024-03-01T12:00:00+00:00" title="2024-03-01 13:00:00 CET">'
            "2024-03-01 13:00</time>"
        )


def test_badges_and_labels():
    html = Template(
        "{% load linia_ui %}{% status_badge 'in_progress' %}|{% priority_badge 'P1' %}|"
        "{% priority_badge 'P2' short=True %}|{{ 'pending'|status_label }}|{{ 2|tier }}|"
        "{% status_badge odd %}"
    ).render(Context({"odd": "weird<"}))
    assert html == (
        '<span class="badge status-in_progress">In progress</span>|'
        '<span class="badge priority-P1" title="P1 · critical">P1 · critical</span>|'
        '<span class="badge priority-P2" title="P2 · high">P2</span>|Pending|L2|'
        '<span class="badge status-weird&lt;">weird&lt;</span>'
    )
    assert tier(None) == ""


def test_display_is_the_choice_label_in_the_active_language():
    from django.utils import translation

    from linia.kb.models import Article
    from linia.web.ui.templatetags.linia_ui import display

    article = Article(status="published", visibility="internal")
    with translation.override("en"):
        assert display(article, "status") == article.get_status_display() == "Published"
    with translation.override("ru"):
        assert display(article, "status") == article.get_status_display() != "Published"
        assert display(article, "visibility") == article.get_visibility_display()
    article.status = "retired"  # a value no choice names is shown as it is
    assert display(article, "status") == article.get_status_display() == "retired"
