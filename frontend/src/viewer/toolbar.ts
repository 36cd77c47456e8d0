// Toolbar wiring: window presets, WW/WL inputs, overlay toggles, crosshair, reset.
import { Enums, type Types } from '@cornerstonejs/core';
import type { VertebraStore } from '../store';
import type { ViewName } from '../types';
import { Listeners } from './dom';
import type { Layout } from './layout';
import { DEFAULT_PRESET, presetById, rangeToWindow, windowToRange } from './presets';
import { type Engine, VIEW_NAMES, setVoi } from './viewports';

export interface ToolbarDeps {
  layout: Layout;
  store: VertebraStore;
  engine: () => Engine | null;
  onCrosshair: (on: boolean) => void;
  crosshairOn: () => boolean;
  onReset: () => void;
}

export function attachToolbar(deps: ToolbarDeps): Listeners {
  const { layout, store } = deps;
  const listeners = new Listeners();
  let current = { width: DEFAULT_PRESET.width, level: DEFAULT_PRESET.level };

  const markPreset = (id: string | null) => {
    for (const b of layout.presetButtons) b.setAttribute('aria-pressed', String(b.dataset.preset === id));
  };
  const showWindow = (width: number, level: number) => {
    layout.ww.value = String(Math.round(width));
    layout.wl.value = String(Math.round(level));
  };
  const apply = (width: number, level: number, presetId: string | null) => {
    current = { width, level };
    showWindow(width, level);
    markPreset(presetId);
    const eng = deps.engine();
    if (eng) setVoi(eng, windowToRange(width, level));
  };

  for (const b of layout.presetButtons) {
    listeners.on(b, 'click', () => {
      const p = presetById(b.dataset.preset ?? '');
      if (p) apply(p.width, p.level, p.id);
    });
  }
  const fromInputs = () => {
    const w = Number(layout.ww.value);
    const l = Number(layout.wl.value);
    if (Number.isFinite(w) && w >= 1 && Number.isFinite(l)) apply(w, l, null);
    else showWindow(current.width, current.level);
  };
  listeners.on(layout.ww, 'change', fromInputs);
  listeners.on(layout.wl, 'change', fromInputs);

  // W/L dragged with the mouse: mirror it in the inputs (and in the other view).
  const onVoi = (name: ViewName) => (ev: Event) => {
    const detail = (ev as CustomEvent<{ range?: { lower: number; upper: number } }>).detail;
    if (!detail?.range) return;
    const { width, level } = rangeToWindow(detail.range);
    if (Math.abs(width - current.width) < 0.5 && Math.abs(level - current.level) < 0.5) return;
    current = { width, level };
    showWindow(width, level);
    markPreset(null);
    const eng = deps.engine();
    const other = name === 'sagittal' ? 'axial' : 'sagittal';
    if (eng) {
      const vp: Types.IVolumeViewport = eng.viewport(other);
      vp.setProperties({ voiRange: { ...detail.range } }, undefined, true);
      vp.render();
    }
  };
  for (const name of VIEW_NAMES) {
    listeners.on(layout.viewports[name], Enums.Events.VOI_MODIFIED, onVoi(name));
  }

  const syncLayers = () => {
    const all = layout.overlaysToggle.checked;
    for (const input of Object.values(layout.layerToggles)) input.disabled = !all;
    store.setLayers({
      all,
      labels: layout.layerToggles.labels.checked,
      landmarks: layout.layerToggles.landmarks.checked,
      hu: layout.layerToggles.hu.checked,
    });
  };
  listeners.on(layout.overlaysToggle, 'change', syncLayers);
  for (const input of Object.values(layout.layerToggles)) listeners.on(input, 'change', syncLayers);

  listeners.on(layout.crosshairButton, 'click', () => {
    const on = !deps.crosshairOn();
    deps.onCrosshair(on);
    layout.crosshairButton.setAttribute('aria-pressed', String(on));
    layout.root.classList.toggle('vcf-crosshair-on', on);
  });
  listeners.on(layout.resetButton, 'click', () => deps.onReset());
  return listeners;
}
