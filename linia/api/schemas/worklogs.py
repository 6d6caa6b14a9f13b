"""Shapes of the work log: time agents spent on a ticket."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from linia.tickets.models import Worklog

from .common import InputSchema, PersonRef


class WorklogOut(Schema):
    id: int
    ticket: int = Field(description="The ticket number.")
    agent: PersonRef
    work_date: dt.date
    minutes: int
    billable: bool
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_ticket(worklog: Worklog) -> int:
        return worklog.ticket.number

    @staticmethod
    def resolve_agent(worklog: Worklog) -> dict[str, object]:
        agent = worklog.agent
        return {"id": agent.pk, "name": agent.display_name, "email": agent.email}


class WorklogIn(InputSchema):
    minutes: int = Field(ge=1, le=24 * 60, description="Whole minutes, at most one day.")
    work_date: dt.date | None = Field(None, description="The working day; default today.")
    billable: bool = Field(True, description="Counts against the included hours.")
    note: str = Field("", max_length=500)
