// Small vector helpers and the HU-ellipse polygon (pure, unit-tested).
import type { Vec3 } from '../types';

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);

export function normalize(a: Vec3): Vec3 {
  const n = norm(a);
  return n > 0 ? [a[0] / n, a[1] / n, a[2] / n] : [0, 0, 0];
}

/** Signed distance of `p` from the plane through `origin` with unit normal `n`. */
export function planeDistance(p: Vec3, origin: Vec3, n: Vec3): number {
  return dot(sub(p, origin), n);
}

/**
 * Points of an ellipse in 3-D: centre + a·cos(t)·u + b·sin(t)·v for `count`
 * evenly spaced t. u and v are normalised (they need not be exactly orthogonal).
 */
export function ellipsePoints(
  centre: Vec3,
  semiAxes: [number, number],
  uAxis: Vec3,
  vAxis: Vec3,
  count = 48,
): Vec3[] {
  const u = normalize(uAxis);
  const v = normalize(vAxis);
  const [a, b] = semiAxes;
  const pts: Vec3[] = [];
  for (let i = 0; i < count; i++) {
    const t = (2 * Math.PI * i) / count;
    const ca = a * Math.cos(t);
    const sb = b * Math.sin(t);
    pts.push([
      centre[0] + ca * u[0] + sb * v[0],
      centre[1] + ca * u[1] + sb * v[1],
      centre[2] + ca * u[2] + sb * v[2],
    ]);
  }
  return pts;
}

/** Project points with `toCanvas` and format them for an SVG points="" attribute. */
export function projectPolygon(points: Vec3[], toCanvas: (p: Vec3) => [number, number]): string {
  return points
    .map((p) => {
      const [x, y] = toCanvas(p);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * Move `original` to the world point under the cursor while keeping its
 * coordinate along the view normal (drag stays in the plane of the point).
 */
export function keepDepth(dropWorld: Vec3, original: Vec3, viewNormal: Vec3): Vec3 {
  const n = normalize(viewNormal);
  const delta = dot(sub(original, dropWorld), n);
  return add(dropWorld, scale(n, delta));
}
