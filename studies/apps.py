import logging
import warnings

from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "studies"
    verbose_name = "Studies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # pydicom's warnings about malformed values quote the values, which may be patient data.
        # Set here, not in LOGGING: importing pydicom (during app loading) resets its logger's level.
        logging.getLogger("pydicom").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"pydicom(\.|$)")
