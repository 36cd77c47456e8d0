// Sagittal overlay: labels, six landmarks, three height segments, cement marks.
import { isCement } from '../format';
import { LANDMARK_NAMES, type Landmarks, type Vec3, type Vertebra } from '../types';
import { s } from '../viewer/dom';
import { CEMENT_COLOUR } from './colours';
import { add, planeDistance, scale } from './geometry';
import type { DrawContext } from './layer';
import { anteriorOf, bodyHeight, colourOf, drawLabel, screenDir, vertebraGroup } from './common';

const SUPERIOR: Vec3 = [0, 0, 1];

const SEGMENTS: [keyof Landmarks, keyof Landmarks, string][] = [
  ['anterior_superior', 'anterior_inferior', 'anterior'],
  ['middle_superior', 'middle_inferior', 'middle'],
  ['posterior_superior', 'posterior_inferior', 'posterior'],
];

const OUTLINE: (keyof Landmarks)[] = [
  'anterior_superior',
  'middle_superior',
  'posterior_superior',
  'posterior_inferior',
  'middle_inferior',
  'anterior_inferior',
];

/** Is the vertebra near the sagittal slice? (within ±0.6 body heights, at least 10 mm) */
export function nearSagittalPlane(v: Vertebra, focal: Vec3, normal: Vec3): boolean {
  const d = Math.abs(planeDistance(v.centroid_lps_mm, focal, normal));
  return d <= Math.max(10, 0.6 * bodyHeight(v));
}

function pts(ctx: DrawContext, lm: Landmarks, names: (keyof Landmarks)[]): string {
  return names
    .map((n) => ctx.toCanvas(lm[n]))
    .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
}

function cementBox(ctx: DrawContext, v: Vertebra, lm: Landmarks | null): string {
  if (lm) return pts(ctx, lm, OUTLINE);
  const c = v.centroid_lps_mm;
  const ant = anteriorOf(v);
  const h = bodyHeight(v) / 2;
  const d = 16;
  const corners: Vec3[] = [
    add(add(c, scale(ant, d)), scale(SUPERIOR, h)),
    add(add(c, scale(ant, -d)), scale(SUPERIOR, h)),
    add(add(c, scale(ant, -d)), scale(SUPERIOR, -h)),
    add(add(c, scale(ant, d)), scale(SUPERIOR, -h)),
  ];
  return corners
    .map((p) => ctx.toCanvas(p))
    .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
}

export function drawSagittal(ctx: DrawContext, root: SVGGElement): void {
  const { store } = ctx;
  const layers = store.layers;
  for (const v of store.vertebrae) {
    if (!nearSagittalPlane(v, ctx.focal, ctx.normal)) continue;
    const g = vertebraGroup(v);
    if (store.selected === v.label) g.classList.add('selected');
    const colour = colourOf(v);
    const lm = store.landmarksOf(v);
    const cement = isCement(v);

    if (cement) {
      g.append(
        s('polygon', {
          class: 'cement-outline',
          points: cementBox(ctx, v, lm),
          fill: `url(#${ctx.hatchId})`,
          stroke: CEMENT_COLOUR,
          'stroke-dasharray': '4 3',
          'stroke-width': 1.5,
        }),
      );
    } else if (lm && layers.landmarks) {
      g.append(s('polygon', { class: 'body-outline', points: pts(ctx, lm, OUTLINE), stroke: colour }));
      for (const [a, b, name] of SEGMENTS) {
        const [x1, y1] = ctx.toCanvas(lm[a]);
        const [x2, y2] = ctx.toCanvas(lm[b]);
        g.append(
          s('line', {
            class: 'height-segment',
            'data-segment': name,
            x1: x1.toFixed(1),
            y1: y1.toFixed(1),
            x2: x2.toFixed(1),
            y2: y2.toFixed(1),
            stroke: colour,
          }),
        );
      }
      const draggable = ctx.canCorrect && !store.saving.has(v.finding_id);
      for (const name of LANDMARK_NAMES) {
        const [cx, cy] = ctx.toCanvas(lm[name]);
        g.append(
          s(
            'circle',
            {
              class: draggable ? 'landmark draggable' : 'landmark',
              cx: cx.toFixed(1),
              cy: cy.toFixed(1),
              r: 4,
              fill: colour,
              'data-label': v.label,
              'data-name': name,
              'data-finding-id': v.finding_id,
            },
            s('title', { text: `${v.label} ${name.replace('_', ' ')}${draggable ? ' (drag to correct)' : ''}` }),
          ),
        );
      }
    }

    if (layers.labels) {
      const ant = anteriorOf(v);
      const base = lm
        ? scale(add(lm.anterior_superior, lm.anterior_inferior), 0.5)
        : add(v.centroid_lps_mm, scale(ant, 17));
      const dir = screenDir(ctx, base, ant);
      const [bx, by] = ctx.toCanvas(base);
      drawLabel(ctx, g, v, [bx + dir[0] * 12, by + dir[1] * 12], dir);
    }
    root.append(g);
  }
}
