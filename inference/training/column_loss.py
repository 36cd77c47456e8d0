"""A loss that punishes reading a whole column one level off.

Per-vertebra cross-entropy treats every body on its own, but the label decoder sums the calibrated
log-probabilities along the column, so errors that the bodies of one scan share (every thoracic body
read one level too high) add up to a confident shift of the whole column, the labelling failure that
matters most. This loss scores the true labelling of each training column against the same column
shifted by every possible number of levels (the decoder's alternatives when no vertebra is missed)
and takes the cross-entropy over those shifts, so the fitted model keeps the true reading of a
column ahead of its shifted readings as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F


class ColumnShiftLoss:
    def __init__(self, labels_per_column: Sequence[np.ndarray], n_levels: int) -> None:
        """``labels_per_column``: the true level index of each example, column by column, in the
        order the examples are stacked for the model."""
        self.max_shift = n_levels - 1
        shifts = 2 * self.max_shift + 1
        rows, targets, columns, shift_index = [], [], [], []
        impossible = np.zeros((len(labels_per_column), shifts), dtype=bool)
        start = 0
        for column, labels in enumerate(labels_per_column):
            labels = np.asarray(labels, dtype=np.int64)
            for shift in range(-self.max_shift, self.max_shift + 1):
                shifted = labels + shift
                if np.any((shifted < 0) | (shifted >= n_levels)):
                    impossible[column, shift + self.max_shift] = True
                    continue
                rows.append(start + np.arange(len(labels)))
                targets.append(shifted)
                columns.append(np.full(len(labels), column))
                shift_index.append(np.full(len(labels), shift + self.max_shift))
            start += len(labels)
        self._rows = torch.from_numpy(np.concatenate(rows)) if rows else torch.zeros(0, dtype=torch.long)
        self._targets = torch.from_numpy(np.concatenate(targets)) if targets else self._rows
        self._columns = torch.from_numpy(np.concatenate(columns)) if columns else self._rows
        self._shifts = torch.from_numpy(np.concatenate(shift_index)) if shift_index else self._rows
        self._impossible = torch.from_numpy(impossible)
        self._used = torch.tensor([len(labels) > 0 for labels in labels_per_column], dtype=torch.bool)

    def __call__(self, log_probs: torch.Tensor) -> torch.Tensor:
        """Mean over columns of −log softmax over shifts of the true (unshifted) column score."""
        n_columns, shifts = self._impossible.shape
        scores = torch.zeros(n_columns, shifts, dtype=log_probs.dtype)
        scores = scores.index_put(
            (self._columns, self._shifts), log_probs[self._rows, self._targets], accumulate=True
        )
        scores = scores.masked_fill(self._impossible, float("-inf"))
        truth = torch.full((n_columns,), self.max_shift, dtype=torch.long)
        return F.cross_entropy(scores[self._used], truth[self._used])
