"""Which reconstruction kernels the measurements cannot be trusted on (lung and very sharp kernels)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Letter(s) then a sharpness number, optional suffix: Siemens B30f, Br40d, I70f, Hr64; Canon FC08.
_NUMBERED_KERNEL = re.compile(r"^([A-Za-z]{1,2})(\d{2,3})([A-Za-z]{0,2})$")


def kernel_values(kernel: str | None) -> list[str]:
    """The values of a (possibly multi-valued, backslash-joined) ConvolutionKernel."""
    if not kernel:
        return []
    return [part.strip() for part in kernel.split("\\") if part.strip()]


def sharpness_number(value: str) -> int | None:
    match = _NUMBERED_KERNEL.match(value)
    return int(match.group(2)) if match else None


def unsupported_kernel(
    kernel: str | None, *, names: Iterable[str], very_sharp_from: int | None
) -> str | None:
    """The offending kernel value, or None when every value is acceptable (or the kernel unknown)."""
    lowered = {name.casefold() for name in names}
    for value in kernel_values(kernel):
        if value.casefold() in lowered:
            return value
        number = sharpness_number(value)
        if very_sharp_from is not None and number is not None and number >= very_sharp_from:
            return value
    return None
