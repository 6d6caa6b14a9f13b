"""Views of the agent desk, one module per page."""
