"""Linia: an open-source IT service desk."""
