"""Inbound channels: the outside world → domain services (raw store, quarantine, retry)."""
