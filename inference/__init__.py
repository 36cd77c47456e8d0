"""VCF Sentinel inference: a pure library (torch, numpy, pydicom) that never imports Django.

Usable on its own through ``python -m inference …`` (see ../shared/reference/SPEC.md for the
contracts). The web application imports it; it never imports the web application.
"""

__version__ = "0.1.0"
