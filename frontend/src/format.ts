// Display formatting shared by the panel and the overlays (pure, unit-tested).
import type { Vertebra } from './types';

export const DASH = '–';

export function formatVhl(pct: number | null | undefined, digits = 1): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return DASH;
  return `${pct.toFixed(digits)} %`;
}

export function formatHu(hu: number | null | undefined): string {
  if (hu === null || hu === undefined || !Number.isFinite(hu)) return DASH;
  return `${Math.round(hu)} HU`;
}

export function formatGrade(grade: number | null | undefined): string {
  if (grade === null || grade === undefined || !Number.isFinite(grade)) return DASH;
  return `G${grade}`;
}

export function isCement(v: Pick<Vertebra, 'status'>): boolean {
  return v.status === 'excluded_cement';
}

/** Overlay label, e.g. "L1 G3 52 %", "L3 cement", "T12 –". */
export function vertebraLabel(v: Vertebra): string {
  if (isCement(v)) return `${v.label} cement`;
  const { grade, height_loss_pct } = v.current;
  if (grade === null || grade === undefined) return `${v.label} ${DASH}`;
  const vhl = height_loss_pct === null || height_loss_pct === undefined ? '' : ` ${formatVhl(height_loss_pct, 0)}`;
  return `${v.label} G${grade}${vhl}`;
}

export function flagsOf(v: Vertebra): string[] {
  const flags: string[] = [];
  if (isCement(v)) flags.push('cement');
  if (v.uncertain) flags.push('uncertain');
  if (v.current.source === 'correction' || v.correction) flags.push('corrected');
  return flags;
}
