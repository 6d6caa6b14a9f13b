"""Two lookups for lists of values that suit prepared statements (PostgreSQL).

`field__any=[...]`: is the value one of a list, with the list sent as one parameter.

`field__in=[...]` writes a placeholder per value. With parameters bound by the server (our
PostgreSQL setting), a list of 2,000 ids — the queue's text filter passes its matches so —
was 2,000 parameters to send, parse and plan: the page query took 20–22 ms against 14–16 ms
with the values written into the SQL (docs/performance.md). On PostgreSQL this lookup sends
one array (`= ANY(%s)`); elsewhere it is `IN (...)`.

`field__among=[...]`: `IN (...)` with constants written into the SQL (see Among).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.sql.compiler import SQLCompiler

CONSTANT = re.compile(r"[A-Za-z0-9_]+")


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(self.rhs)]


@Field.register_lookup
class Among(Lookup):
    """`field__among=[...]`: `IN (...)` with the values written into the SQL, for the
    program's own constants only (status names, not user input: anything but a plain word or
    an integer is refused).

    A prepared statement's generic plan knows no parameter's value, so it cannot use a
    partial index whose condition lists the values (the active tickets' indexes): for the
    queue's text filter it walked the whole number index instead (21 against 11 ms at a
    million tickets). Written in, the values let every plan use them."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        literals = []
        for value in values:
            if isinstance(value, int):
                literals.append(str(int(value)))
            elif isinstance(value, str) and CONSTANT.fullmatch(value):
                literals.append(f"'{value}'")
            else:
                raise ValueError(f"__among takes plain words or integers, not {value!r}")
        return f"{lhs} IN ({', '.join(literals)})", list(lhs_params)


# Foreign keys take only the lookups registered on them (`organization_id__among=[…]`).
ForeignObject.register_lookup(AnyOf)
ForeignObject.register_lookup(Among)
