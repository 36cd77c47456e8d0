// Axial overlay: label, HU ellipse with its mean HU, cement mark, for the
// vertebrae whose body the axial slice passes through.
import { isCement } from '../format';
import { LANDMARK_NAMES, type Vec3, type Vertebra } from '../types';
import { s } from '../viewer/dom';
import { CEMENT_COLOUR } from './colours';
import { add, ellipsePoints, planeDistance, projectPolygon, scale, normalize } from './geometry';
import type { DrawContext } from './layer';
import { anteriorOf, bodyHeight, drawLabel, huText, screenDir, vertebraGroup } from './common';

const ROI_COLOUR = '#3fd0e0';

/** Does the slice plane pass through the vertebral body? */
export function withinBody(v: Vertebra, focal: Vec3, normal: Vec3, margin = 1.5): boolean {
  const lm = v.current.landmarks_lps_mm ?? v.measured.landmarks_lps_mm;
  if (lm) {
    const ds = LANDMARK_NAMES.map((n) => planeDistance(lm[n], focal, normal));
    return Math.min(...ds) - margin <= 0 && Math.max(...ds) + margin >= 0;
  }
  return Math.abs(planeDistance(v.centroid_lps_mm, focal, normal)) <= bodyHeight(v) / 2 + margin;
}

export function drawAxial(ctx: DrawContext, root: SVGGElement): void {
  const { store } = ctx;
  const layers = store.layers;
  for (const v of store.vertebrae) {
    if (!withinBody(v, ctx.focal, ctx.normal)) continue;
    const g = vertebraGroup(v);
    if (store.selected === v.label) g.classList.add('selected');
    const ant = anteriorOf(v);
    const roi = v.hu_roi;
    const cement = isCement(v);

    if (cement) {
      const ring = ellipsePoints(v.centroid_lps_mm, [15, 13], [1, 0, 0], [0, -1, 0], 36);
      g.append(
        s('polygon', {
          class: 'cement-outline',
          points: projectPolygon(ring, ctx.toCanvas),
          fill: `url(#${ctx.hatchId})`,
          stroke: CEMENT_COLOUR,
          'stroke-dasharray': '4 3',
          'stroke-width': 1.5,
        }),
      );
    } else if (roi && layers.hu) {
      const ring = ellipsePoints(roi.centre_lps_mm, roi.semi_axes_mm, roi.lateral_axis, roi.anterior_axis, 48);
      g.append(
        s('polygon', {
          class: 'hu-roi',
          points: projectPolygon(ring, ctx.toCanvas),
          stroke: ROI_COLOUR,
          'data-label': v.label,
        }),
      );
      const lat = normalize(roi.lateral_axis);
      const side = add(roi.centre_lps_mm, scale(lat, roi.semi_axes_mm[0] + 3));
      const dir = screenDir(ctx, side, lat);
      const [x, y] = ctx.toCanvas(side);
      g.append(
        s('text', {
          class: 'hu-roi-label',
          x: (x + dir[0] * 6).toFixed(1),
          y: (y + dir[1] * 6).toFixed(1),
          fill: ROI_COLOUR,
          'text-anchor': dir[0] < -0.3 ? 'end' : 'start',
          'dominant-baseline': 'middle',
          text: huText(v),
        }),
      );
    }

    if (layers.labels) {
      const reach = roi ? roi.semi_axes_mm[1] + 6 : 20;
      const base = add(roi?.centre_lps_mm ?? v.centroid_lps_mm, scale(ant, reach));
      const dir = screenDir(ctx, base, ant);
      const [bx, by] = ctx.toCanvas(base);
      drawLabel(ctx, g, v, [bx + dir[0] * 10, by + dir[1] * 10], dir, 'centre');
    }
    root.append(g);
  }
}
