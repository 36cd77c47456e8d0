"""Landmark network: shapes, size, soft-argmax and Gaussian targets."""

from __future__ import annotations

import numpy as np
import torch

from inference.nets.landmarks import (
    LandmarkNet,
    build_landmark_net,
    gaussian_heatmaps,
    normalise_hu,
    soft_argmax,
)


def test_forward_shapes_and_size() -> None:
    net = build_landmark_net({"width": 12, "depth": 3})
    out = net(torch.zeros(2, 1, 64, 64))
    assert out.shape == (2, 6, 64, 64)
    assert sum(p.numel() for p in net.parameters()) * 4 < 3_000_000
    assert LandmarkNet(width=4, depth=2)(torch.zeros(1, 1, 40, 36)).shape == (1, 6, 40, 36)


def test_soft_argmax_finds_a_sub_pixel_peak() -> None:
    truth = torch.tensor([[[20.3, 41.7], [5.0, 50.2]]])
    target = gaussian_heatmaps(truth, (64, 64), sigma=1.5)
    coords, prob = soft_argmax(torch.log(target + 1e-30))
    torch.testing.assert_close(coords, truth, atol=1e-3, rtol=0)
    torch.testing.assert_close(prob.sum(dim=(2, 3)), torch.ones(1, 2))


def test_gaussian_target_peaks_at_the_landmark_pixel() -> None:
    target = gaussian_heatmaps(torch.tensor([[[12.2, 33.8]]]), (48, 48), sigma=1.5)
    flat = int(target[0, 0].argmax())
    assert divmod(flat, 48) == (12, 34)
    assert float(target.sum()) == torch.tensor(1.0).item() or abs(float(target.sum()) - 1.0) < 1e-5


def test_normalisation_is_a_fixed_physical_window() -> None:
    hu = np.array([-3000.0, -1000.0, 300.0, 2000.0, 5000.0])
    np.testing.assert_allclose(normalise_hu(hu), [-2.6, -2.6, 0.0, 3.4, 3.4], atol=1e-6)
    torch.testing.assert_close(
        normalise_hu(torch.tensor(hu)), torch.tensor(normalise_hu(hu), dtype=torch.float64)
    )
