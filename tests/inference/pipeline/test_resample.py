import numpy as np

from inference.pipeline.resample import WorkingGrid, normalise_hu, resample_to_grid


def _blob_volume(shape: tuple[int, int, int], affine: np.ndarray, centre_lps: np.ndarray) -> np.ndarray:
    k, j, i = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    homog = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
    lps = (affine @ homog)[:3].T
    d2 = ((lps - centre_lps) ** 2).sum(axis=1)
    return (1000.0 * np.exp(-d2 / (2 * 8.0**2)) - 1000.0).reshape(shape).astype(np.float32)


def _peak_lps(grid: WorkingGrid, volume: np.ndarray) -> np.ndarray:
    index = np.array(np.unravel_index(np.argmax(volume), volume.shape), dtype=float)
    weights = np.clip(volume + 1000.0, 0, None) ** 4
    grids = np.meshgrid(*[np.arange(n) for n in volume.shape], indexing="ij")
    refined = np.array([(g * weights).sum() / weights.sum() for g in grids])
    assert np.linalg.norm(refined - index) < 1.5
    return grid.index_to_lps(refined)


def test_point_round_trip() -> None:
    grid = WorkingGrid(origin_lps_mm=(-10.0, 5.0, 100.0), spacing_mm=4.0, shape=(10, 20, 30))
    point = np.array([12.3, 40.1, 113.7])
    assert np.allclose(grid.index_to_lps(grid.lps_to_index(point)), point)
    zyx = grid.lps_to_index(point)
    assert np.allclose((grid.affine @ np.array([zyx[2], zyx[1], zyx[0], 1.0]))[:3], point)


def test_anisotropic_oblique_input_keeps_positions() -> None:
    angle = np.deg2rad(20.0)
    rotation = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag([0.7, 0.9, 2.5])  # columns i, j, k
    affine[:3, 3] = [-30.0, -40.0, 20.0]
    shape = (40, 90, 100)  # k, j, i
    centre = (affine @ np.array([50.0, 45.0, 20.0, 1.0]))[:3]
    hu = _blob_volume(shape, affine, centre)
    grid = WorkingGrid.covering(shape, affine, 3.0)
    work = resample_to_grid(hu, affine, grid)
    assert work.dtype == np.float32
    assert np.linalg.norm(_peak_lps(grid, work) - centre) < 1.0


def test_slice_order_and_shape_do_not_matter() -> None:
    affine = np.diag([0.8, 0.8, 1.5, 1.0])
    affine[:3, 3] = [-40.0, -40.0, 0.0]
    centre = np.array([5.0, -3.0, 30.0])
    hu = _blob_volume((40, 100, 100), affine, centre)
    flipped_affine = affine.copy()  # slices stored superior to inferior
    flipped_affine[:3, 2] *= -1
    flipped_affine[:3, 3] = (affine @ np.array([0, 0, 39, 1.0]))[:3]
    results = []
    for data, aff in ((hu, affine), (hu[::-1], flipped_affine), (hu[:, 10:, 5:], None)):
        if aff is None:
            aff = affine.copy()
            aff[:3, 3] = (affine @ np.array([5, 10, 0, 1.0]))[:3]
        grid = WorkingGrid.covering(data.shape, aff, 4.0)
        results.append(_peak_lps(grid, resample_to_grid(data, aff, grid)))
    for found in results:
        assert np.linalg.norm(found - centre) < 1.0


def test_nearest_neighbour_labels_stay_integral() -> None:
    labels = np.zeros((20, 30, 30), dtype=np.uint8)
    labels[5:15, 10:20, 10:20] = 7
    affine = np.diag([1.0, 1.0, 2.0, 1.0])
    grid = WorkingGrid.covering(labels.shape, affine, 4.0)
    out = resample_to_grid(labels, affine, grid, order=0, fill=0)
    assert set(np.unique(out)) == {0.0, 7.0}


def test_normalisation_is_two_bounded_channels() -> None:
    out = normalise_hu(np.array([[-3000.0, 0.0, 400.0, 5000.0]]))
    assert out.shape == (2, 1, 4)
    assert out.min() >= -1 and out.max() <= 1
    assert out[1, 0, 2] > out[1, 0, 1] > out[1, 0, 0]
