"""One router per domain; each handler parses, calls one service or query, and returns."""
