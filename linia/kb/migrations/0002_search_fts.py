"""Full-text structures over ArticleSearchDocument and the term vocabulary for typo correction
(FTS5 on SQLite, tsvector + GIN and pg_trgm on PostgreSQL); see linia/search/ddl.py."""

from django.db import migrations

from linia.search.ddl import ARTICLES, create_fts, create_vocabulary, drop_fts, drop_vocabulary


def forwards(apps, schema_editor):
    create_fts(schema_editor, ARTICLES)
    create_vocabulary(schema_editor)


def backwards(apps, schema_editor):
    drop_vocabulary(schema_editor)
    drop_fts(schema_editor, ARTICLES)


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
