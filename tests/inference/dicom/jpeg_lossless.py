"""A minimal JPEG Lossless (ITU T.81 process 14, first-order prediction) encoder for test data.

No installed package encodes DICOM's JPEG Lossless SV1 (1.2.840.10008.1.2.4.70); this one writes a
single-component 16-bit frame with predictor 1 and one fixed Huffman table, enough to check that
the decoder plugin reads such files. Slow and unoptimised: test images only.
"""

from __future__ import annotations

import struct

import numpy as np

PRECISION = 16
CODE_LENGTH = 5  # all 17 difference categories (0–16) get a 5-bit code: 00000 … 10000


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", marker, len(payload) + 2) + payload


def _differences(pixels: np.ndarray) -> np.ndarray:
    """Prediction differences modulo 2^16, mapped to −32768 … 32767."""
    values = pixels.astype(np.uint16).astype(np.int64)
    predicted = np.empty_like(values)
    predicted[0, 0] = 1 << (PRECISION - 1)
    predicted[0, 1:] = values[0, :-1]  # first line: left neighbour
    predicted[1:, 0] = values[:-1, 0]  # first column: the sample above
    predicted[1:, 1:] = values[1:, :-1]  # predictor 1: left neighbour
    differences = (values - predicted) % (1 << PRECISION)
    return np.where(differences >= 1 << (PRECISION - 1), differences - (1 << PRECISION), differences)


class _BitWriter:
    def __init__(self) -> None:
        self._bytes = bytearray()
        self._accumulator = 0
        self._count = 0

    def write(self, value: int, length: int) -> None:
        self._accumulator = (self._accumulator << length) | (value & ((1 << length) - 1))
        self._count += length
        while self._count >= 8:
            self._count -= 8
            byte = (self._accumulator >> self._count) & 0xFF
            self._bytes.append(byte)
            if byte == 0xFF:
                self._bytes.append(0x00)  # byte stuffing
        self._accumulator &= (1 << self._count) - 1

    def finish(self) -> bytes:
        if self._count:
            self.write((1 << (8 - self._count)) - 1, 8 - self._count)  # pad with 1-bits
        return bytes(self._bytes)


def _entropy_coded(differences: np.ndarray) -> bytes:
    writer = _BitWriter()
    for difference in differences.ravel().tolist():
        category = 0 if difference == 0 else min(abs(difference).bit_length(), 16)
        writer.write(category, CODE_LENGTH)  # canonical code of symbol s is s itself
        if 0 < category < 16:
            extra = difference if difference > 0 else difference + (1 << category) - 1
            writer.write(extra, category)
    return writer.finish()


def encode_jpeg_lossless(pixels: np.ndarray) -> bytes:
    """One frame of 16-bit samples (signed values are encoded as their two's-complement bits)."""
    rows, columns = pixels.shape
    counts = [0] * 16
    counts[CODE_LENGTH - 1] = 17
    huffman = bytes([0x00]) + bytes(counts) + bytes(range(17))
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xFFC3, struct.pack(">BHHB", PRECISION, rows, columns, 1) + bytes([1, 0x11, 0])),
            _segment(0xFFC4, huffman),
            _segment(0xFFDA, bytes([1, 1, 0x00, 1, 0, 0])),  # Ns, Cs, Td/Ta, Ss=predictor 1, Se, Ah/Al
            _entropy_coded(_differences(pixels)),
            b"\xff\xd9",
        ]
    )
