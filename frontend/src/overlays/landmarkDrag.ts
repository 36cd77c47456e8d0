// Pointer-drag of a landmark circle on the sagittal overlay. The events never
// reach the Cornerstone tools; the drop is sent to the server as a correction.
import type { Types } from '@cornerstonejs/core';
import type { VertebraStore } from '../store';
import type { LandmarkName, Landmarks, Vec3, Vertebra } from '../types';
import { Listeners } from '../viewer/dom';
import { keepDepth } from './geometry';

export interface LandmarkDragOptions {
  svg: SVGSVGElement;
  element: HTMLElement;
  getViewport: () => Types.IVolumeViewport | null;
  store: VertebraStore;
  onCommit: (v: Vertebra, landmarks: Landmarks) => void;
}

interface DragState {
  pointerId: number;
  vertebra: Vertebra;
  name: LandmarkName;
  start: Landmarks;
  current: Landmarks;
  startX: number;
  startY: number;
  moved: boolean;
  normal: Vec3;
}

function landmarkTarget(ev: Event): SVGCircleElement | null {
  const t = ev.target;
  if (!(t instanceof Element)) return null;
  const c = t.closest('circle.landmark.draggable');
  return c instanceof SVGCircleElement ? c : null;
}

export function attachLandmarkDrag(opts: LandmarkDragOptions): () => void {
  const { svg, element, store } = opts;
  const listeners = new Listeners();
  const during = new Listeners();
  let drag: DragState | null = null;

  const toWorld = (ev: PointerEvent): Vec3 | null => {
    const vp = opts.getViewport();
    if (!vp || !drag) return null;
    const rect = element.getBoundingClientRect();
    const w = vp.canvasToWorld([ev.clientX - rect.left, ev.clientY - rect.top] as Types.Point2) as Vec3;
    return keepDepth(w, drag.start[drag.name], drag.normal);
  };

  const finish = (commit: boolean) => {
    during.clear();
    const d = drag;
    drag = null;
    element.classList.remove('vcf-dragging');
    if (!d) return;
    if (commit && d.moved) {
      opts.onCommit(d.vertebra, d.current);
    } else {
      store.setPreview(d.vertebra.finding_id, null);
    }
  };

  const onMove = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.pointerId) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (!drag.moved && Math.hypot(ev.clientX - drag.startX, ev.clientY - drag.startY) < 2) return;
    drag.moved = true;
    const p = toWorld(ev);
    if (!p) return;
    drag.current = { ...drag.current, [drag.name]: p };
    store.setPreview(drag.vertebra.finding_id, drag.current);
  };

  const onDown = (ev: PointerEvent) => {
    const circle = landmarkTarget(ev);
    if (!circle || ev.button !== 0 || drag) return;
    // Keep Cornerstone (W/L, crosshair) out of it: no compat mouse events either.
    ev.preventDefault();
    ev.stopPropagation();
    const id = Number(circle.dataset.findingId);
    const name = circle.dataset.name as LandmarkName;
    const v = store.byId(id);
    const vp = opts.getViewport();
    const lm = v ? store.landmarksOf(v) : null;
    if (!v || !lm || !vp) return;
    const normal = vp.getCamera().viewPlaneNormal as Vec3;
    drag = {
      pointerId: ev.pointerId,
      vertebra: v,
      name,
      start: lm,
      current: lm,
      startX: ev.clientX,
      startY: ev.clientY,
      moved: false,
      normal,
    };
    element.classList.add('vcf-dragging');
    during.on<PointerEvent>(window, 'pointermove', onMove, { capture: true });
    during.on<PointerEvent>(window, 'pointerup', (e) => e.pointerId === drag?.pointerId && finish(true), { capture: true });
    during.on<PointerEvent>(window, 'pointercancel', () => finish(false), { capture: true });
    during.on<KeyboardEvent>(window, 'keydown', (e) => e.key === 'Escape' && finish(false));
  };

  const swallow = (ev: Event) => {
    if (landmarkTarget(ev) || drag) ev.stopPropagation();
  };

  listeners.on<PointerEvent>(svg, 'pointerdown', onDown);
  // Belt and braces for the compatibility mouse/touch events Cornerstone listens to.
  listeners.on(svg, 'mousedown', swallow);
  listeners.on(svg, 'touchstart', swallow);
  listeners.on(svg, 'dblclick', swallow);

  return () => {
    finish(false);
    listeners.clear();
  };
}
