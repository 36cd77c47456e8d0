// Linked crosshair (toolbar toggle). While on, the left button no longer does
// W/L: pressing or dragging in one view puts the crosshair there and moves the
// other view's slice through that point (pan and zoom are kept). The lines are
// drawn by the SVG overlays (overlays/crosshairLines.ts).
import type { Types } from '@cornerstonejs/core';
import type { Vec3, ViewName } from '../types';
import { sliceViewportTo } from './camera';
import { Listeners } from './dom';
import { type Engine, VIEW_NAMES } from './viewports';

export class LinkedCrosshair {
  enabled = false;
  point: Vec3 | null = null;
  private readonly listeners = new Listeners();
  private readonly drag = new Listeners();

  constructor(
    private readonly eng: Engine,
    private readonly elements: Record<ViewName, HTMLElement>,
    private readonly onChange: () => void,
  ) {
    for (const name of VIEW_NAMES) {
      // Capture phase: runs before Cornerstone's own mousedown handling.
      this.listeners.on<PointerEvent>(elements[name], 'pointerdown', (ev) => this.onDown(name, ev), { capture: true });
    }
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    if (on && !this.point) {
      // Start at the current intersection of the two slices.
      this.point = this.currentIntersection();
    }
    this.onChange();
  }

  /** Put the crosshair at `point` and move every other view's slice there. */
  moveTo(point: Vec3, from: ViewName | null): void {
    this.point = point;
    for (const name of VIEW_NAMES) {
      if (name === from) continue;
      const vp = this.eng.viewport(name);
      sliceViewportTo(vp, point);
      vp.render();
    }
    this.onChange();
  }

  private currentIntersection(): Vec3 {
    const s = this.eng.viewport('sagittal').getCamera();
    const a = this.eng.viewport('axial').getCamera();
    const sf = s.focalPoint as Vec3;
    const af = a.focalPoint as Vec3;
    // Sagittal gives the lateral coordinate, axial the cranio-caudal one.
    return [sf[0], af[1], af[2]];
  }

  private onDown(name: ViewName, ev: PointerEvent): void {
    if (!this.enabled || ev.button !== 0) return;
    const target = ev.target as Element | null;
    if (target?.closest('circle.landmark.draggable, circle.uncertain-dot')) return;
    ev.preventDefault();
    ev.stopPropagation();
    const el = this.elements[name];
    const vp: Types.IVolumeViewport = this.eng.viewport(name);
    const place = (e: PointerEvent) => {
      const r = el.getBoundingClientRect();
      const w = vp.canvasToWorld([e.clientX - r.left, e.clientY - r.top] as Types.Point2) as Vec3;
      this.moveTo(w, name);
    };
    place(ev);
    this.drag.on<PointerEvent>(window, 'pointermove', (e) => {
      if (e.pointerId === ev.pointerId) place(e);
    });
    this.drag.on<PointerEvent>(window, 'pointerup', () => this.drag.clear());
    this.drag.on<PointerEvent>(window, 'pointercancel', () => this.drag.clear());
  }

  destroy(): void {
    this.drag.clear();
    this.listeners.clear();
  }
}
