"""Input and output schemas, kept apart (`TicketIn`, `TicketOut`, ...)."""
