"""Reads. Each selector returns querysets or plain data for views, the API and tasks."""
