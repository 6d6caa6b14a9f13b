"""Customer portal views: thin adapters from forms to services and from queries to pages."""
