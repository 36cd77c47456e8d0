// An SVG layer over one viewport, redrawn after every render / camera change.
import { Enums, type Types } from '@cornerstonejs/core';
import type { VertebraStore } from '../store';
import type { Vec3, ViewName } from '../types';
import { Listeners, s } from '../viewer/dom';

export interface DrawContext {
  svg: SVGSVGElement;
  view: ViewName;
  viewport: Types.IVolumeViewport;
  store: VertebraStore;
  canCorrect: boolean;
  hatchId: string;
  toCanvas(p: Vec3): [number, number];
  toWorld(p: [number, number]): Vec3;
  /** Current slice plane: a point on it and its unit normal. */
  focal: Vec3;
  normal: Vec3;
}

export type DrawFn = (ctx: DrawContext, root: SVGGElement) => void;

/** Extra drawing done whatever the overlay toggles say (e.g. the crosshair). */
export type ToolDrawFn = (ctx: DrawContext, root: SVGGElement, width: number, height: number) => void;

let layerSerial = 0;

export class OverlayLayer {
  readonly svg: SVGSVGElement;
  private readonly root: SVGGElement;
  private readonly hatchId: string;
  private raf = 0;
  private readonly listeners = new Listeners();
  private readonly toolDrawers: ToolDrawFn[] = [];

  constructor(
    private readonly element: HTMLDivElement,
    private readonly view: ViewName,
    private readonly getViewport: () => Types.IVolumeViewport | null,
    private readonly store: VertebraStore,
    private readonly canCorrect: boolean,
    private readonly draw: DrawFn,
  ) {
    this.hatchId = `vcf-hatch-${++layerSerial}`;
    this.svg = s('svg', { class: 'vcf-overlay', 'data-view': view, 'aria-hidden': 'true' });
    const pattern = s(
      'pattern',
      { id: this.hatchId, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' },
      s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9aa3ad', 'stroke-width': 2, 'stroke-opacity': 0.8 }),
    );
    this.svg.append(s('defs', {}, pattern));
    this.root = s('g', { class: 'vcf-overlay-root' });
    this.svg.append(this.root);
    element.append(this.svg);

    const { Events } = Enums;
    this.listeners.on(element, Events.IMAGE_RENDERED, () => this.redraw());
    this.listeners.on(element, Events.CAMERA_MODIFIED, () => this.schedule());
    this.listeners.on(element, Events.VOLUME_NEW_IMAGE, () => this.schedule());
    this.listeners.add(store.subscribe(() => this.schedule()));
  }

  addToolDrawer(fn: ToolDrawFn): void {
    this.toolDrawers.push(fn);
  }

  schedule(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.redraw();
    });
  }

  redraw(): void {
    const viewport = this.getViewport();
    this.root.replaceChildren();
    if (!viewport) return;
    const w = this.element.clientWidth;
    const h = this.element.clientHeight;
    this.svg.setAttribute('width', String(w));
    this.svg.setAttribute('height', String(h));
    this.svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const cam = viewport.getCamera();
    if (!cam.focalPoint || !cam.viewPlaneNormal || !this.store.imagesShown) return;
    const ctx: DrawContext = {
      svg: this.svg,
      view: this.view,
      viewport,
      store: this.store,
      canCorrect: this.canCorrect,
      hatchId: this.hatchId,
      toCanvas: (p) => {
        const c = viewport.worldToCanvas(p as Types.Point3);
        return [c[0], c[1]];
      },
      toWorld: (p) => viewport.canvasToWorld(p as Types.Point2) as Vec3,
      focal: cam.focalPoint as Vec3,
      normal: cam.viewPlaneNormal as Vec3,
    };
    if (this.store.layers.all) this.draw(ctx, this.root);
    for (const fn of this.toolDrawers) fn(ctx, this.root, w, h);
  }

  destroy(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.listeners.clear();
    this.svg.remove();
  }
}
