from __future__ import annotations

from django.db import models


class VertebraLevel(models.IntegerChoices):
    """Spinal levels ordered cranial to caudal; the integer sorts and ranges (thoracic/lumbar)."""

    C7 = 7, "C7"
    T1 = 8, "T1"
    T2 = 9, "T2"
    T3 = 10, "T3"
    T4 = 11, "T4"
    T5 = 12, "T5"
    T6 = 13, "T6"
    T7 = 14, "T7"
    T8 = 15, "T8"
    T9 = 16, "T9"
    T10 = 17, "T10"
    T11 = 18, "T11"
    T12 = 19, "T12"
    L1 = 20, "L1"
    L2 = 21, "L2"
    L3 = 22, "L3"
    L4 = 23, "L4"
    L5 = 24, "L5"
    S1 = 25, "S1"

    @classmethod
    def from_label(cls, label: str) -> VertebraLevel:
        try:
            return cls[label.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown vertebra label {label!r}") from None

    @property
    def is_thoracic(self) -> bool:
        return VertebraLevel.T1 <= self <= VertebraLevel.T12

    @property
    def is_lumbar(self) -> bool:
        return VertebraLevel.L1 <= self <= VertebraLevel.L5

    @property
    def is_gradable(self) -> bool:
        """C7 and S1 may be reported but are never graded (SPEC)."""
        return self.is_thoracic or self.is_lumbar


THORACIC_LEVELS = range(VertebraLevel.T1, VertebraLevel.T12 + 1)
LUMBAR_LEVELS = range(VertebraLevel.L1, VertebraLevel.L5 + 1)
