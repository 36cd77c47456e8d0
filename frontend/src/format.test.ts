import { describe, expect, it } from 'vitest';
import { flagsOf, formatHu, formatVhl, vertebraLabel } from './format';
import type { Vertebra } from './types';

function vertebra(over: Partial<Vertebra> = {}): Vertebra {
  return {
    finding_id: 7,
    label: 'L1',
    centroid_lps_mm: [0, 0, 0],
    confidence: 0.97,
    status: 'measured',
    uncertain: false,
    uncertainty_reasons: [],
    mean_hu: 140,
    hu_roi: null,
    measured: { landmarks_lps_mm: null, heights_mm: null, height_loss_pct: 52.3, grade: 3 },
    correction: null,
    current: { landmarks_lps_mm: null, heights_mm: null, height_loss_pct: 52.3, grade: 3, source: 'pipeline' },
    ...over,
  };
}

describe('formatting', () => {
  it('formats VHL with one decimal and a dash when missing', () => {
    expect(formatVhl(52.345)).toBe('52.3 %');
    expect(formatVhl(0)).toBe('0.0 %');
    expect(formatVhl(null)).toBe('–');
    expect(formatVhl(undefined)).toBe('–');
  });
  it('formats HU as an integer', () => {
    expect(formatHu(139.6)).toBe('140 HU');
    expect(formatHu(null)).toBe('–');
  });
  it('builds overlay labels', () => {
    expect(vertebraLabel(vertebra())).toBe('L1 G3 52 %');
    expect(vertebraLabel(vertebra({ status: 'excluded_cement' }))).toBe('L1 cement');
    const ungraded = vertebra();
    ungraded.current = { ...ungraded.current, grade: null, height_loss_pct: null };
    expect(vertebraLabel(ungraded)).toBe('L1 –');
  });
  it('lists flags', () => {
    expect(flagsOf(vertebra())).toEqual([]);
    const v = vertebra({ uncertain: true, status: 'excluded_cement' });
    expect(flagsOf(v)).toEqual(['cement', 'uncertain']);
    const c = vertebra();
    c.current = { ...c.current, source: 'correction' };
    expect(flagsOf(c)).toEqual(['corrected']);
  });
});
