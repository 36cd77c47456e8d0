import { describe, expect, it } from 'vitest';
import { GRADE_COLOURS, NEUTRAL_COLOUR, gradeColour } from './colours';

describe('gradeColour', () => {
  it('maps Genant grades 0-3 to distinct colours', () => {
    const cs = [0, 1, 2, 3].map(gradeColour);
    expect(new Set(cs).size).toBe(4);
    expect(cs[3]).toBe(GRADE_COLOURS[3]);
  });
  it('is neutral for unknown grades and clamps out-of-range ones', () => {
    expect(gradeColour(null)).toBe(NEUTRAL_COLOUR);
    expect(gradeColour(undefined)).toBe(NEUTRAL_COLOUR);
    expect(gradeColour(Number.NaN)).toBe(NEUTRAL_COLOUR);
    expect(gradeColour(7)).toBe(GRADE_COLOURS[3]);
  });
});
