// Genant grade colours (high contrast on the dark viewer background).

export const GRADE_COLOURS: Record<number, string> = {
  0: '#d9dde3',
  1: '#ffe14d',
  2: '#ff9a1f',
  3: '#ff4d4d',
};

export const CEMENT_COLOUR = '#9aa3ad';
export const UNCERTAIN_COLOUR = '#4fc3ff';
export const NEUTRAL_COLOUR = '#d9dde3';

export function gradeColour(grade: number | null | undefined): string {
  if (grade === null || grade === undefined || !Number.isFinite(grade)) return NEUTRAL_COLOUR;
  const g = Math.max(0, Math.min(3, Math.round(grade)));
  return GRADE_COLOURS[g];
}
