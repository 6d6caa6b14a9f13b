"""Shared by the demo tests."""

from io import StringIO

from django.core.management import call_command

USERNAMES = [
    "admin",
    "manager",
    "agent1",
    "agent2",
    "engineer",
    "lead",
    "olena",
    "taras",
    "iryna",
    "kasia",
    "piotr",
    "marek",
    "svetlana",
    "dmitry",
    "natalia",
]


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()
