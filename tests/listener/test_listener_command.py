"""dicom_listener refuses bad settings before it binds a port."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ae-title", "A" * 17], "longer than 16"),
        (["--ae-title", "   "], "1 to 16 characters"),
        (["--ae-title", "BAD\\AE"], "without backslash"),
        (["--allow-aet", "OK", "TAB\tAE"], "printable ASCII"),
        (["--port", "70000"], "outside 0–65535"),
        (["--quiet-seconds", "0"], "must be positive"),
    ],
)
def test_bad_settings_are_refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("dicom_listener", "--port", "0", *args)
