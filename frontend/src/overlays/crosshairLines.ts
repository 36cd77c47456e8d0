// Crosshair drawing: in each view, the line where the other view's slice
// plane cuts it, and the crosshair point.
import type { Vec3 } from '../types';
import { s } from '../viewer/dom';
import { planeDistance } from './geometry';
import type { DrawContext } from './layer';

export const CROSSHAIR_COLOUR = '#3ee08f';

export interface Plane {
  origin: Vec3;
  normal: Vec3;
}

/** Segment (canvas px) where `plane` crosses the canvas of `ctx`, if it does. */
export function planeLineOnCanvas(ctx: DrawContext, plane: Plane, width: number, height: number): [number, number][] {
  const corners: [number, number][] = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const d = corners.map(([x, y]) => planeDistance(ctx.toWorld([x, y]), plane.origin, plane.normal));
  const pts: [number, number][] = [];
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    const [a, b] = [d[i], d[j]];
    if (a === 0) pts.push(corners[i]);
    if ((a < 0 && b > 0) || (a > 0 && b < 0)) {
      const t = a / (a - b);
      pts.push([corners[i][0] + t * (corners[j][0] - corners[i][0]), corners[i][1] + t * (corners[j][1] - corners[i][1])]);
    }
  }
  return pts.slice(0, 2);
}

export function drawCrosshair(
  ctx: DrawContext,
  root: SVGGElement,
  others: Plane[],
  point: Vec3 | null,
  width: number,
  height: number,
): void {
  const g = s('g', { class: 'crosshair' });
  for (const plane of others) {
    const seg = planeLineOnCanvas(ctx, plane, width, height);
    if (seg.length < 2) continue;
    g.append(
      s('line', {
        class: 'crosshair-line',
        x1: seg[0][0].toFixed(1),
        y1: seg[0][1].toFixed(1),
        x2: seg[1][0].toFixed(1),
        y2: seg[1][1].toFixed(1),
        stroke: CROSSHAIR_COLOUR,
      }),
    );
  }
  if (point) {
    const [x, y] = ctx.toCanvas(point);
    g.append(s('circle', { class: 'crosshair-point', cx: x.toFixed(1), cy: y.toFixed(1), r: 5, stroke: CROSSHAIR_COLOUR }));
  }
  root.append(g);
}
