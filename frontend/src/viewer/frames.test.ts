import { describe, expect, it } from 'vitest';
import { initialFocus } from './focus';
import { nearestFrameIndex, scanAxis } from './frames';
import type { Vec3, Vertebra } from '../types';

describe('frame positions', () => {
  const positions: Vec3[] = [0, 1, 2, 3, 4, 5].map((i) => [-200, -200, -10 + 2.5 * i]);
  it('finds the scan axis', () => {
    expect(scanAxis(positions)).toEqual([0, 0, 1]);
    expect(scanAxis([null, [0, 0, 0]])).toBeNull();
  });
  it('finds the frame nearest a point along the axis', () => {
    expect(nearestFrameIndex(positions, [0, 0, 1], [10, 10, -4.6])).toBe(2);
    expect(nearestFrameIndex(positions, [0, 0, 1], [0, 0, 100])).toBe(5);
    expect(nearestFrameIndex([null, null, null], [0, 0, 1], [0, 0, 0])).toBe(1);
  });
});

function v(label: string, grade: number | null, status = 'measured'): Vertebra {
  const m = { landmarks_lps_mm: null, heights_mm: null, height_loss_pct: null, grade };
  return {
    finding_id: label.length,
    label,
    centroid_lps_mm: [0, 0, 0],
    confidence: 1,
    status,
    uncertain: false,
    uncertainty_reasons: [],
    mean_hu: null,
    hu_roi: null,
    measured: m,
    correction: null,
    current: { ...m, source: 'pipeline' },
  };
}

describe('initialFocus', () => {
  it('prefers the worst graded vertebra, ignoring cement', () => {
    expect(initialFocus([v('T12', 1), v('L1', 3), v('L2', 2), v('L3', 3, 'excluded_cement')])?.label).toBe('L1');
  });
  it('falls back to L1, then to the middle vertebra', () => {
    expect(initialFocus([v('T12', 0), v('L1', 0), v('L2', 0)])?.label).toBe('L1');
    expect(initialFocus([v('T10', 0), v('T11', 0), v('T12', 0)])?.label).toBe('T11');
    expect(initialFocus([])).toBeNull();
  });
});
