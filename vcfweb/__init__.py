"""VCF Sentinel Django project: settings, URL configuration and WSGI/ASGI entry points."""
