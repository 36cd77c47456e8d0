import { describe, expect, it } from 'vitest';

import { GRADE_GROUPS, bars, describeBars, humanize } from './data';

const section = {
  overall: { k: 436, n: 501, estimate: 436 / 501, lower: 0.838, upper: 0.898, text: '87.0 % (95 % CI 83.8–89.8 %)' },
  grade_1_2: { k: 0, n: 0, estimate: null, lower: null, upper: null, text: '–' },
};

describe('bars', () => {
  it('turns proportions into percent with their interval, and empty groups into gaps', () => {
    const [overall, low, severe] = bars(section, GRADE_GROUPS);
    expect(overall.value).toBeCloseTo(87.026, 3);
    expect(overall.lower).toBeCloseTo(83.8, 5);
    expect(overall.upper).toBeCloseTo(89.8, 5);
    expect(low).toEqual({ value: null, lower: null, upper: null, text: '–' });
    expect(severe.value).toBeNull();
  });

  it('describes the bars with the MedCalc text', () => {
    const text = describeBars('PPV', [{ label: 'Per case', bars: bars(section, GRADE_GROUPS) }], GRADE_GROUPS);
    expect(text).toBe('PPV. Per case: Overall 87.0 % (95 % CI 83.8–89.8 %); Grade 1–2 –; Grade 3 –.');
  });
});

describe('humanize', () => {
  it('makes a label of a code', () => {
    expect(humanize('slice_too_thick')).toBe('Slice too thick');
  });
});
