"""Linia's benchmark harness: builds a large installation, serves it the way production does,
and measures Linia and django-helpdesk side by side (see docs/performance.md).

The modules that run inside a Django process (`linia_data`, `helpdesk_data`, `querycount`)
are started as subprocesses with their own environment; this package itself imports no Django.
"""
