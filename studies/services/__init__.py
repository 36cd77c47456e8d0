"""Writes. Each service is a function with keyword-only arguments, called by views, commands and tasks."""
