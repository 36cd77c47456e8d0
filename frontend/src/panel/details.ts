// Details of the selected vertebra: current vs original measurement.
import { DASH, formatGrade, formatHu, formatVhl, isCement } from '../format';
import type { Heights, Measurement, Vertebra } from '../types';
import { h } from '../viewer/dom';

function heights(hs: Heights | null): string {
  if (!hs) return DASH;
  return `A ${hs.anterior.toFixed(1)} · M ${hs.middle.toFixed(1)} · P ${hs.posterior.toFixed(1)} mm`;
}

function measurementRows(title: string, m: Measurement): HTMLElement[] {
  return [
    h('dt', { text: title }),
    h('dd', { text: `${formatGrade(m.grade)} · VHL ${formatVhl(m.height_loss_pct)}` }),
    h('dd', { class: 'sub', text: heights(m.heights_mm) }),
  ];
}

export function renderDetails(v: Vertebra, saving: boolean): HTMLElement[] {
  const rows: HTMLElement[] = [];
  if (isCement(v)) {
    rows.push(h('dt', { text: 'Status' }), h('dd', { text: 'Cemented: excluded from grading' }));
  } else {
    rows.push(...measurementRows(v.current.source === 'correction' ? 'Current (reader)' : 'Current', v.current));
    if (v.current.source === 'correction') {
      rows.push(...measurementRows('Original (pipeline)', v.measured));
    }
  }
  if (v.correction) {
    const c = v.correction;
    rows.push(
      h('dt', { text: 'Correction' }),
      h('dd', { text: `${c.author} · ${new Date(c.created_at).toLocaleString()}` }),
    );
    if (c.note) rows.push(h('dd', { class: 'sub', text: c.note }));
  }
  if (v.hu_roi) {
    const r = v.hu_roi;
    rows.push(
      h('dt', { text: 'HU ROI' }),
      h('dd', { text: `${formatHu(r.mean_hu)} ± ${Math.round(r.std_hu)} (${r.voxel_count} voxels)` }),
    );
  } else if (v.mean_hu !== null) {
    rows.push(h('dt', { text: 'HU' }), h('dd', { text: formatHu(v.mean_hu) }));
  }
  rows.push(h('dt', { text: 'Confidence' }), h('dd', { text: `${Math.round(v.confidence * 100)} %` }));
  if (v.uncertain) {
    rows.push(
      h('dt', { text: 'Uncertain' }),
      h('dd', { text: v.uncertainty_reasons.join('; ') || 'yes' }),
    );
  }
  if (saving) rows.push(h('dd', { class: 'saving', text: 'Saving correction…' }));
  return [h('h3', { text: v.label }), h('dl', {}, ...rows)];
}
