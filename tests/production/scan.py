"""Looking for identifiers everywhere in a DICOM file: every element, nested ones, and raw bytes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydicom.dataset import Dataset


def element_texts(dataset: Dataset) -> Iterator[str]:
    """The text of every element value, sequences entered, file meta included."""
    meta = getattr(dataset, "file_meta", None)
    datasets = [dataset, meta] if meta is not None else [dataset]
    for each in datasets:
        for element in each.iterall():
            if element.VR in ("SQ", "OB", "OW", "OF", "OD", "OL", "OV", "UN"):
                continue
            yield str(element.value)


def leaks(*, texts: Iterable[str], raw: bytes, needles: Iterable[str]) -> list[str]:
    """The needles found in any text (case-insensitive) or in the raw bytes."""
    found = []
    lowered = [text.lower() for text in texts]
    raw_lower = raw.lower()
    for needle in needles:
        low = needle.lower()
        if any(low in text for text in lowered) or low.encode() in raw_lower:
            found.append(needle)
    return found
