import { describe, expect, it } from 'vitest';
import { ellipsePoints, keepDepth, planeDistance, projectPolygon } from './geometry';
import type { Vec3 } from '../types';

describe('ellipsePoints', () => {
  it('makes `count` points on the ellipse in the plane of the two axes', () => {
    const centre: Vec3 = [10, -20, 30];
    const pts = ellipsePoints(centre, [12, 8], [1, 0, 0], [0, -1, 0], 48);
    expect(pts).toHaveLength(48);
    for (const [x, y, z] of pts) {
      const u = (x - 10) / 12;
      const v = -(y + 20) / 8;
      expect(u * u + v * v).toBeCloseTo(1, 9);
      expect(z).toBeCloseTo(30, 9);
    }
    // t = 0 lies on +u at the lateral semi-axis, t = 90° on +v (anterior = -y).
    expect(pts[0]).toEqual([22, -20, 30]);
    expect(pts[12][1]).toBeCloseTo(-28, 9);
  });

  it('normalises the axis vectors', () => {
    const pts = ellipsePoints([0, 0, 0], [5, 5], [3, 0, 0], [0, 0, 10], 4);
    expect(pts[0][0]).toBeCloseTo(5, 9);
    expect(pts[1][2]).toBeCloseTo(5, 9);
  });

  it('projects through a canvas transform into an SVG points string', () => {
    const pts = ellipsePoints([0, 0, 0], [2, 1], [1, 0, 0], [0, 1, 0], 4);
    const s = projectPolygon(pts, (p) => [p[0] * 10 + 100, p[1] * 10 + 50]);
    expect(s).toBe('120.0,50.0 100.0,60.0 80.0,50.0 100.0,40.0');
  });
});

describe('planes', () => {
  it('measures signed distance to the slice plane', () => {
    expect(planeDistance([0, 0, 12], [5, 5, 10], [0, 0, 1])).toBeCloseTo(2);
    expect(planeDistance([3, 0, 0], [5, 5, 10], [1, 0, 0])).toBeCloseTo(-2);
  });

  it('keeps a dragged landmark at its depth along the view normal', () => {
    const moved = keepDepth([7, 40, 90], [2, 35, 100], [1, 0, 0]);
    expect(moved).toEqual([2, 40, 90]);
  });
});
