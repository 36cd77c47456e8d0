// Which vertebra to show first (pure).
import type { Vertebra } from '../types';

/** Worst current grade first; else L1 (bone density level); else the middle one. */
export function initialFocus(vertebrae: readonly Vertebra[]): Vertebra | null {
  if (!vertebrae.length) return null;
  let best: Vertebra | null = null;
  for (const v of vertebrae) {
    const g = v.status === 'excluded_cement' ? null : v.current.grade;
    if (g !== null && g > 0 && (!best || g > (best.current.grade ?? 0))) best = v;
  }
  return best ?? vertebrae.find((v) => v.label === 'L1') ?? vertebrae[Math.floor(vertebrae.length / 2)];
}
