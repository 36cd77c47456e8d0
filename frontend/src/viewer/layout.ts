// The viewer's DOM skeleton inside #vcf-viewer.
import { h } from './dom';
import { PRESETS, DEFAULT_PRESET } from './presets';
import type { ViewName } from '../types';

export interface Layout {
  root: HTMLElement;
  toolbar: HTMLElement;
  status: HTMLElement;
  viewports: Record<ViewName, HTMLDivElement>;
  viewportArea: HTMLElement;
  panel: HTMLElement;
  error: HTMLElement;
  ww: HTMLInputElement;
  wl: HTMLInputElement;
  presetButtons: HTMLButtonElement[];
  overlaysToggle: HTMLInputElement;
  layerToggles: Record<'labels' | 'landmarks' | 'hu', HTMLInputElement>;
  crosshairButton: HTMLButtonElement;
  resetButton: HTMLButtonElement;
}

function viewportCell(name: ViewName, title: string): { cell: HTMLElement; element: HTMLDivElement } {
  const element = h('div', {
    id: `viewport-${name}`,
    class: 'vcf-viewport',
    'data-view': name,
    tabindex: 0,
    'aria-label': `${title} view`,
  });
  // Cornerstone handles the context menu itself (right-drag = zoom).
  element.addEventListener('contextmenu', (e) => e.preventDefault());
  const cell = h('section', { class: 'vcf-viewport-cell' }, h('div', { class: 'vcf-viewport-title', text: title }), element);
  return { cell, element };
}

function checkbox(id: string, label: string, checked = true): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id, checked });
  return { wrap: h('label', { class: 'vcf-check', for: id }, input, ` ${label}`), input };
}

export function buildLayout(root: HTMLElement): Layout {
  root.replaceChildren();
  root.classList.add('vcf-viewer');

  const presetButtons = PRESETS.map((p) =>
    h('button', {
      type: 'button',
      class: 'vcf-btn',
      'data-preset': p.id,
      title: `W ${p.width} / L ${p.level}`,
      'aria-pressed': p.id === DEFAULT_PRESET.id ? 'true' : 'false',
      text: p.label,
    }),
  );
  const ww = h('input', { id: 'ww', type: 'number', step: 1, min: 1, value: DEFAULT_PRESET.width, 'aria-label': 'Window width' });
  const wl = h('input', { id: 'wl', type: 'number', step: 1, value: DEFAULT_PRESET.level, 'aria-label': 'Window level' });
  const overlays = checkbox('toggle-overlays', 'Overlays');
  const labels = checkbox('toggle-labels', 'Labels');
  const landmarks = checkbox('toggle-landmarks', 'Landmarks');
  const hu = checkbox('toggle-hu', 'HU ROI');
  const crosshairButton = h('button', {
    type: 'button',
    id: 'toggle-crosshair',
    class: 'vcf-btn',
    'aria-pressed': 'false',
    title: 'Linked crosshair: click in one view to move the other there',
    text: 'Crosshair',
  });
  const resetButton = h('button', { type: 'button', id: 'reset-view', class: 'vcf-btn', text: 'Reset view' });
  const status = h('span', { id: 'viewer-status', class: 'vcf-status', role: 'status', 'aria-live': 'polite', text: 'Loading…' });

  const toolbar = h(
    'div',
    { class: 'vcf-toolbar', role: 'toolbar', 'aria-label': 'Viewer tools' },
    h('div', { class: 'vcf-group', 'aria-label': 'Window presets' }, ...presetButtons),
    h(
      'div',
      { class: 'vcf-group vcf-wwwl' },
      h('label', { for: 'ww', text: 'WW' }),
      ww,
      h('label', { for: 'wl', text: 'WL' }),
      wl,
    ),
    h('div', { class: 'vcf-group' }, crosshairButton, resetButton),
    h('div', { class: 'vcf-group' }, overlays.wrap, labels.wrap, landmarks.wrap, hu.wrap),
    status,
  );

  const sag = viewportCell('sagittal', 'Sagittal');
  const ax = viewportCell('axial', 'Axial');
  const viewportArea = h('div', { class: 'vcf-viewports' }, sag.cell, ax.cell);
  const panel = h('aside', { id: 'vertebra-panel', class: 'vcf-panel', 'aria-label': 'Vertebrae' });
  const error = h('div', { id: 'viewer-error', class: 'vcf-error', role: 'alert', hidden: true });
  const main = h('div', { class: 'vcf-main' }, viewportArea, panel);
  root.append(toolbar, error, main);

  return {
    root,
    toolbar,
    status,
    viewports: { sagittal: sag.element, axial: ax.element },
    viewportArea,
    panel,
    error,
    ww,
    wl,
    presetButtons,
    overlaysToggle: overlays.input,
    layerToggles: { labels: labels.input, landmarks: landmarks.input, hu: hu.input },
    crosshairButton,
    resetButton,
  };
}

export function showError(layout: Layout, message: string): void {
  layout.error.textContent = message;
  layout.error.hidden = false;
}
