// Drawing pieces shared by the sagittal and axial overlays.
import { formatHu, isCement, vertebraLabel } from '../format';
import type { Vec3, Vertebra } from '../types';
import { s } from '../viewer/dom';
import { CEMENT_COLOUR, UNCERTAIN_COLOUR, gradeColour } from './colours';
import { add, normalize, scale } from './geometry';
import type { DrawContext } from './layer';

const DEFAULT_ANTERIOR: Vec3 = [0, -1, 0];

export function colourOf(v: Vertebra): string {
  return isCement(v) ? CEMENT_COLOUR : gradeColour(v.current.grade);
}

/** Largest current (else measured) body height, 25 mm when unknown. */
export function bodyHeight(v: Vertebra): number {
  const hs = v.current.heights_mm ?? v.measured.heights_mm;
  if (!hs) return 25;
  const m = Math.max(hs.anterior, hs.middle, hs.posterior);
  return Number.isFinite(m) && m > 5 ? m : 25;
}

export function anteriorOf(v: Vertebra): Vec3 {
  const a = v.hu_roi?.anterior_axis;
  return a ? normalize(a) : DEFAULT_ANTERIOR;
}

export function vertebraGroup(v: Vertebra): SVGGElement {
  const corrected = v.current.source === 'correction';
  const classes = ['vertebra'];
  if (isCement(v)) classes.push('cement');
  if (v.uncertain) classes.push('uncertain');
  if (corrected) classes.push('corrected');
  return s('g', {
    class: classes.join(' '),
    'data-label': v.label,
    'data-grade': v.current.grade ?? '',
    'data-finding-id': v.finding_id,
    'data-status': v.status,
    'data-source': v.current.source,
  });
}

/** Unit screen direction of a world direction at a world point. */
export function screenDir(ctx: DrawContext, at: Vec3, dir: Vec3): [number, number] {
  const [x0, y0] = ctx.toCanvas(at);
  const [x1, y1] = ctx.toCanvas(add(at, scale(dir, 10)));
  const len = Math.hypot(x1 - x0, y1 - y0);
  return len > 1e-6 ? [(x1 - x0) / len, (y1 - y0) / len] : [-1, 0];
}

/**
 * The "L1 G3 52 %" label at canvas point (x, y), growing away from the body
 * along screen direction `dir`; adds the correction mark and the uncertain dot.
 */
export function drawLabel(
  ctx: DrawContext,
  g: SVGGElement,
  v: Vertebra,
  at: [number, number],
  dir: [number, number],
  anchorMode: 'side' | 'centre' = 'side',
): void {
  const colour = colourOf(v);
  const anchor = anchorMode === 'centre' ? 'middle' : dir[0] < -0.3 ? 'end' : dir[0] > 0.3 ? 'start' : 'middle';
  const text = s('text', {
    class: 'vertebra-label',
    x: at[0].toFixed(1),
    y: at[1].toFixed(1),
    fill: colour,
    'text-anchor': anchor,
    'dominant-baseline': 'middle',
  });
  text.append(vertebraLabel(v));
  if (v.current.source === 'correction') {
    text.append(s('tspan', { class: 'correction-mark', dx: 4, text: '✎R' }));
  }
  if (ctx.store.saving.has(v.finding_id)) {
    text.append(s('tspan', { class: 'saving-mark', dx: 4, text: '…' }));
  }
  g.append(text);
  if (v.uncertain) {
    let box: { x: number; width: number } | null = null;
    try {
      const bb = text.getBBox();
      if (bb.width > 0) box = { x: bb.x, width: bb.width };
    } catch {
      box = null;
    }
    if (!box) {
      const width = 7.5 * (text.textContent ?? '').length;
      box = { x: anchor === 'end' ? at[0] - width : anchor === 'middle' ? at[0] - width / 2 : at[0], width };
    }
    const dotX = anchor === 'end' ? box.x - 11 : box.x + box.width + 11;
    const reasons = v.uncertainty_reasons.length ? v.uncertainty_reasons.join('; ') : 'uncertain measurement';
    const dot = s(
      'circle',
      {
        class: 'uncertain-dot',
        cx: dotX.toFixed(1),
        cy: at[1].toFixed(1),
        r: 4.5,
        fill: UNCERTAIN_COLOUR,
        'data-label': v.label,
        'data-reasons': reasons,
      },
      s('title', { text: `Uncertain: ${reasons}` }),
    );
    g.append(dot);
  }
}

export function huText(v: Vertebra): string {
  const roi = v.hu_roi;
  if (!roi) return formatHu(v.mean_hu);
  return `${Math.round(roi.mean_hu)} HU ± ${Math.round(roi.std_hu)}`;
}
