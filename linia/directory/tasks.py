"""Background tasks of the directory.

The daily license reminders run from `linia.tickets.tasks.send_license_reminders_task`:
they may open tickets, which the directory (below tickets) cannot import.
"""
