// The viewer: explicit mount() / destroy() (OHIF style).
import { Enums } from '@cornerstonejs/core';
import { ApiError, isAbortError } from '../api/http';
import type { EarlyRequests } from '../api/requests';
import { forgetImageIds } from '../api/dicomweb';
import { drawAxial } from '../overlays/axial';
import { attachLandmarkDrag } from '../overlays/landmarkDrag';
import { OverlayLayer } from '../overlays/layer';
import { drawSagittal } from '../overlays/sagittal';
import { Panel } from '../panel/panel';
import { VertebraStore } from '../store';
import type { AnalysisData, Vec3, ViewName, ViewerConfig } from '../types';
import { drawCrosshair } from '../overlays/crosshairLines';
import { centreViewportOn } from './camera';
import { correctionCommitter } from './corrections';
import { LinkedCrosshair } from './crosshair';
import { Listeners } from './dom';
import { Hooks } from './hooks';
import { initCornerstone } from './init';
import { type Layout, buildLayout, showError } from './layout';
import { loadViewer } from './loading';
import { attachToolbar } from './toolbar';
import { type Tools, createTools } from './tools';
import { type Engine, type VolumeHandle, VIEW_NAMES, createEngine, destroyVolume } from './viewports';

export interface CameraInfo {
  focalPoint: Vec3;
  position: Vec3;
  viewUp: Vec3;
  viewPlaneNormal: Vec3;
  parallelScale: number;
}

export class Viewer {
  readonly store = new VertebraStore();
  private layout: Layout | null = null;
  private hooks: Hooks | null = null;
  private eng: Engine | null = null;
  private tools: Tools | null = null;
  private crosshair: LinkedCrosshair | null = null;
  private volume: VolumeHandle | null = null;
  private panel: Panel | null = null;
  private data: AnalysisData | null = null;
  private overlays: OverlayLayer[] = [];
  private readonly listeners = new Listeners();
  private resizeObserver: ResizeObserver | null = null;
  private loadStarted = 0;
  private destroyed = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly cfg: ViewerConfig,
    private readonly early: EarlyRequests,
    /** Aborts every request of this viewer (destroy() fires it). */
    private readonly abort: AbortController = new AbortController(),
  ) {}

  async mount(): Promise<void> {
    this.loadStarted = performance.now();
    const layout = (this.layout = buildLayout(this.root));
    this.fitHeight();
    this.listeners.on(window, 'resize', () => this.fitHeight());
    const hooks = (this.hooks = new Hooks(this.root, VIEW_NAMES));
    hooks.setState('loading');
    try {
      initCornerstone();
      const eng = (this.eng = createEngine(layout.viewports));
      this.tools = createTools(eng);
      this.panel = new Panel({ container: layout.panel, store: this.store, onFocus: (l) => this.focus(l) });
      this.crosshair = new LinkedCrosshair(eng, layout.viewports, () => this.redrawOverlays());
      const bar = attachToolbar({
        layout,
        store: this.store,
        engine: () => this.eng,
        crosshairOn: () => Boolean(this.crosshair?.enabled),
        onCrosshair: (on) => this.setCrosshair(on),
        onReset: () => this.resetView(),
      });
      this.listeners.add(() => bar.clear());
      this.attachOverlays(eng);
      this.resizeObserver = new ResizeObserver(() => this.eng?.engine.resize(true, true));
      this.resizeObserver.observe(layout.viewportArea);

      await loadViewer(this.cfg, eng, this.listeners, this.abort.signal, this.early, {
        onAnalysis: (data) => this.onAnalysis(data),
        onVolume: (handle) => (this.volume = handle),
        onFocus: (v) => {
          this.store.imagesShown = true;
          if (v) this.store.select(v.label);
          else this.store.emit();
        },
        onImageRendered: (view) => hooks.imageRendered(view),
        onProgress: (loaded, total, failed) => this.onProgress(loaded, total, failed),
        onLoaded: () => {
          hooks.volumeLoaded();
          const s = ((performance.now() - this.loadStarted) / 1000).toFixed(1);
          layout.status.textContent = `${this.volume?.imageIds.length ?? 0} images loaded in ${s} s`;
        },
      });
    } catch (err) {
      if (this.destroyed || isAbortError(err)) return;
      this.fail(err);
    }
  }

  /** Fill the window below wherever the page put us (header, headings). */
  private fitHeight(): void {
    if (this.root.dataset.fitHeight === 'false') return;
    const top = this.root.getBoundingClientRect().top + window.scrollY;
    this.root.style.height = `${Math.max(460, Math.floor(window.innerHeight - top - 4))}px`;
  }

  private onAnalysis(data: AnalysisData): void {
    this.data = data;
    this.store.set(data.vertebrae);
    this.panel?.setSummary(data);
    this.panel?.render();
  }

  private onProgress(loaded: number, total: number, failed: number): void {
    if (!this.layout) return;
    this.layout.status.textContent = `Images ${loaded}/${total}${failed ? ` (${failed} failed)` : ''}`;
    if (failed > 0 && failed >= total) this.fail(new Error('None of the images could be loaded from the DICOMweb server.'));
  }

  private fail(err: unknown): void {
    console.error('[vcf-viewer]', err);
    const msg = err instanceof ApiError ? `${err.detail} (HTTP ${err.status})` : err instanceof Error ? err.message : String(err);
    if (this.layout) {
      showError(this.layout, `The viewer could not load: ${msg}`);
      this.layout.status.textContent = 'Error';
    }
    this.hooks?.setState('error');
  }

  private attachOverlays(eng: Engine): void {
    const canCorrect = this.canCorrect();
    const commit = correctionCommitter({
      cfg: this.cfg,
      store: this.store,
      signal: this.abort.signal,
      allowed: () => this.canCorrect(),
      message: (text, kind) => this.panel?.showMessage(text, kind),
    });
    for (const name of VIEW_NAMES) {
      const el = this.layout!.viewports[name];
      const layer = new OverlayLayer(
        el,
        name,
        () => (this.eng ? eng.viewport(name) : null),
        this.store,
        canCorrect && name === 'sagittal',
        name === 'sagittal' ? drawSagittal : drawAxial,
      );
      const other: ViewName = name === 'sagittal' ? 'axial' : 'sagittal';
      layer.addToolDrawer((ctx, root, w, h) => {
        const ch = this.crosshair;
        if (!ch?.enabled || !this.eng) return;
        const cam = this.eng.viewport(other).getCamera();
        const plane = { origin: cam.focalPoint as Vec3, normal: cam.viewPlaneNormal as Vec3 };
        drawCrosshair(ctx, root, [plane], ch.point, w, h);
      });
      // The crosshair line depends on the other view's camera.
      this.listeners.on(el, Enums.Events.CAMERA_MODIFIED, () => {
        if (this.crosshair?.enabled) this.overlays.forEach((o) => o.schedule());
      });
      this.overlays.push(layer);
      if (name === 'sagittal' && canCorrect) {
        const detach = attachLandmarkDrag({
          svg: layer.svg,
          element: el,
          getViewport: () => (this.eng ? eng.viewport('sagittal') : null),
          store: this.store,
          onCommit: (v, lm) => void commit(v, lm),
        });
        this.listeners.add(detach);
      }
    }
  }

  private redrawOverlays(): void {
    for (const o of this.overlays) o.schedule();
  }

  setCrosshair(on: boolean): void {
    this.tools?.setCrosshair(on);
    this.crosshair?.setEnabled(on);
  }

  private canCorrect(): boolean {
    return Boolean(this.cfg.canCorrect && this.cfg.correctionsUrl && (this.data?.can_correct ?? true));
  }

  focus(label: string): void {
    const v = this.store.byLabel(label);
    if (!v || !this.eng) return;
    this.store.select(label);
    for (const name of VIEW_NAMES) centreViewportOn(this.eng.viewport(name), v.centroid_lps_mm);
    if (this.crosshair?.enabled) this.crosshair.point = [...v.centroid_lps_mm] as Vec3;
  }

  private resetView(): void {
    if (!this.eng) return;
    for (const name of VIEW_NAMES) {
      const vp = this.eng.viewport(name);
      vp.resetCamera();
      vp.render();
    }
    const sel = this.store.selected && this.store.byLabel(this.store.selected);
    if (sel) this.focus(sel.label);
  }

  camera(name: ViewName): CameraInfo {
    if (!this.eng) throw new Error('viewer not mounted');
    const c = this.eng.viewport(name).getCamera();
    return {
      focalPoint: [...(c.focalPoint ?? [0, 0, 0])] as Vec3,
      position: [...(c.position ?? [0, 0, 0])] as Vec3,
      viewUp: [...(c.viewUp ?? [0, 0, 0])] as Vec3,
      viewPlaneNormal: [...(c.viewPlaneNormal ?? [0, 0, 0])] as Vec3,
      parallelScale: c.parallelScale ?? 0,
    };
  }

  worldToCanvas(name: ViewName, point: Vec3): [number, number] {
    if (!this.eng) throw new Error('viewer not mounted');
    const c = this.eng.viewport(name).worldToCanvas(point);
    return [c[0], c[1]];
  }

  canvasToWorld(name: ViewName, point: [number, number]): Vec3 {
    if (!this.eng) throw new Error('viewer not mounted');
    return [...this.eng.viewport(name).canvasToWorld(point)] as Vec3;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.abort.abort();
    this.listeners.clear();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    for (const o of this.overlays) o.destroy();
    this.overlays = [];
    this.panel?.destroy();
    this.panel = null;
    this.crosshair?.destroy();
    this.crosshair = null;
    const safe = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        console.warn('[vcf-viewer] tear-down', err);
      }
    };
    if (this.tools) safe(() => this.tools!.destroy());
    this.tools = null;
    if (this.volume) {
      const vol = this.volume;
      safe(() => destroyVolume(vol));
      // Frames already on the wire still need their metadata to be decoded
      // (and then dropped): forget it a little later.
      setTimeout(() => safe(() => forgetImageIds(vol.imageIds)), 15000);
    }
    this.volume = null;
    if (this.eng) safe(() => this.eng!.engine.destroy());
    this.eng = null;
    this.hooks?.clear();
    this.root.style.removeProperty('height');
    this.root.replaceChildren();
    this.layout = null;
  }
}
