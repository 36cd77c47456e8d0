// Frame-position helpers (pure, unit-tested).
import type { Vec3 } from '../types';

/** Index of the frame whose position along `normal` is closest to `point`. */
export function nearestFrameIndex(positions: (Vec3 | null)[], normal: Vec3, point: Vec3): number {
  let best = Math.floor(positions.length / 2);
  let bestD = Infinity;
  const target = point[0] * normal[0] + point[1] * normal[1] + point[2] * normal[2];
  positions.forEach((p, i) => {
    if (!p) return;
    const d = Math.abs(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2] - target);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** Unit direction from the first to the last frame position (the scan axis). */
export function scanAxis(positions: (Vec3 | null)[]): Vec3 | null {
  const a = positions.find((p) => p);
  const b = [...positions].reverse().find((p) => p);
  if (!a || !b || a === b) return null;
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const n = Math.hypot(...d);
  return n > 0 ? [d[0] / n, d[1] / n, d[2] / n] : null;
}
