import { describe, expect, it } from 'vitest';
import { planeLineOnCanvas } from './crosshairLines';
import type { DrawContext } from './layer';
import type { Vec3 } from '../types';

// A sagittal-like canvas: x -> +y (posterior), y -> -z (down), 1 px = 1 mm, x = 0 plane.
const ctx = {
  toWorld: ([x, y]: [number, number]): Vec3 => [0, x, 100 - y],
  toCanvas: (p: Vec3): [number, number] => [p[1], 100 - p[2]],
} as unknown as DrawContext;

describe('planeLineOnCanvas', () => {
  it('draws an axial plane as a horizontal line across the sagittal canvas', () => {
    const seg = planeLineOnCanvas(ctx, { origin: [0, 0, 40], normal: [0, 0, -1] }, 200, 100);
    expect(seg).toHaveLength(2);
    for (const [, y] of seg) expect(y).toBeCloseTo(60);
    expect(seg.map(([x]) => x).sort((a, b) => a - b)).toEqual([0, 200]);
  });
  it('returns nothing when the plane misses the canvas', () => {
    expect(planeLineOnCanvas(ctx, { origin: [0, 0, 500], normal: [0, 0, 1] }, 200, 100)).toHaveLength(0);
  });
});
