"""Full-text search shared by the knowledge base and tickets.

`normalize` turns text into index terms (tokenizing, folding, stemming for English, Russian,
Ukrainian and Polish), `highlight` builds escaped snippets with <mark>, `typos` measures edit
distance, and `backends` holds the vendor SQL (SQLite FTS5, PostgreSQL tsvector + pg_trgm).
It knows no models: the kb and tickets apps pass their table names. See docs/search.md.
"""
