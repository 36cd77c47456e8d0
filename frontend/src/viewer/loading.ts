// Loading pipeline: analysis JSON + series metadata (already requested by the
// bootstrap) -> streaming volume, frames streamed focus-first, shown in both
// viewports as soon as the first frame is in, re-rendered at a bounded rate.
import { Enums, eventTarget, type Types } from '@cornerstonejs/core';
import { buildImageIds } from '../api/dicomweb';
import { type EarlyRequests, dicomwebRootOf } from '../api/requests';
import type { AnalysisData, Vertebra, ViewerConfig } from '../types';
import { sliceViewportTo } from './camera';
import type { Listeners } from './dom';
import { initialFocus } from './focus';
import { nearestFrameIndex, scanAxis } from './frames';
import { mark } from './marks';
import { DEFAULT_PRESET, windowToRange } from './presets';
import {
  type Engine,
  type VolumeHandle,
  VIEW_NAMES,
  createStreamingVolume,
  retrieveStages,
  setVoi,
  showVolume,
  startLoading,
} from './viewports';

export interface LoadCallbacks {
  onAnalysis(data: AnalysisData): void;
  onVolume(handle: VolumeHandle): void;
  onFocus(v: Vertebra | null): void;
  /** A viewport rendered after image data arrived. */
  onImageRendered(view: string): void;
  onProgress(loaded: number, total: number, failed: number): void;
  onLoaded(): void;
}

/** Longest wait for the first frame before the (empty) volume is shown anyway. */
const FIRST_FRAME_WAIT_MS = 1500;

export async function loadViewer(
  cfg: ViewerConfig,
  eng: Engine,
  listeners: Listeners,
  signal: AbortSignal,
  early: EarlyRequests,
  cb: LoadCallbacks,
): Promise<void> {
  const data = await early.analysis;
  cb.onAnalysis(data);
  const instances = await early.metadata;
  signal.throwIfAborted();
  const a = data.analysis;
  const root = dicomwebRootOf(cfg, data);
  const series = buildImageIds(root, a.study_instance_uid, a.series_instance_uid, instances);
  const handle = await createStreamingVolume(String(a.id), series.imageIds);
  mark('volume-created');
  cb.onVolume(handle);
  signal.throwIfAborted();
  // We pace re-renders ourselves (each render can cost 100+ ms on software GL).
  (handle.volume as Types.IStreamingImageVolume & { autoRenderOnLoad: boolean }).autoRenderOnLoad = false;

  const renderer = new PacedRenderer(() => eng.engine.renderViewports([eng.ids.sagittal, eng.ids.axial]));
  listeners.add(() => renderer.stop());
  let shown = false;
  let loaded = 0;
  let failed = 0;
  let firstFrame: () => void = () => undefined;
  const firstFrameIn = new Promise<void>((resolve) => (firstFrame = resolve));
  const total = handle.imageIds.length;
  const { Events } = Enums;

  listeners.on<CustomEvent>(eventTarget, Events.IMAGE_VOLUME_MODIFIED, (ev) => {
    if (ev.detail?.volumeId !== handle.volumeId) return;
    if (loaded === 0 && !renderer.hasData) mark('first-frame');
    renderer.hasData = true;
    firstFrame();
    loaded = Math.max(loaded, Number(ev.detail.framesProcessed) || 0);
    if (shown) renderer.request();
    cb.onProgress(loaded, total, failed);
  });
  listeners.on<CustomEvent>(eventTarget, Events.IMAGE_LOAD_ERROR, (ev) => {
    const id = ev.detail?.imageId;
    if (typeof id === 'string' && !handle.imageIds.includes(id)) return;
    failed += 1;
    firstFrame();
    cb.onProgress(loaded, total, failed);
  });
  listeners.on<CustomEvent>(eventTarget, Events.IMAGE_VOLUME_LOADING_COMPLETED, (ev) => {
    if (ev.detail?.volumeId !== handle.volumeId) return;
    renderer.flush();
    cb.onLoaded();
  });
  for (const name of VIEW_NAMES) {
    listeners.on(eng.viewport(name).element, Events.IMAGE_RENDERED, () => {
      renderer.rendered();
      if (shown && renderer.hasData) cb.onImageRendered(name);
    });
  }

  // Frames in volume order (Cornerstone may re-sort): position per frame.
  const posById = new Map(series.imageIds.map((id, i) => [id, series.positions[i]]));
  const positions = handle.imageIds.map((id) => posById.get(id) ?? null);
  const focus = initialFocus(data.vertebrae);
  const focusIndex = focus
    ? nearestFrameIndex(positions, scanAxis(positions) ?? [0, 0, 1], focus.centroid_lps_mm)
    : Math.floor(total / 2);
  startLoading(handle, retrieveStages(focusIndex, total));

  // The first render allocates the volume texture and compiles the shaders
  // (slow on software GL): do it once there is a frame to show.
  await Promise.race([firstFrameIn, new Promise((r) => setTimeout(r, FIRST_FRAME_WAIT_MS))]);
  signal.throwIfAborted();
  await showVolume(eng, handle);
  mark('volume-shown');
  signal.throwIfAborted();
  setVoi(eng, windowToRange(DEFAULT_PRESET.width, DEFAULT_PRESET.level), false);
  if (focus) {
    for (const name of VIEW_NAMES) sliceViewportTo(eng.viewport(name), focus.centroid_lps_mm);
  }
  cb.onFocus(focus);
  shown = true;
  renderer.flush();
}

/**
 * While frames stream in, re-render at most every few hundred ms, spacing the
 * renders by four times what the last one cost (Cornerstone's own auto-render
 * redraws every 2 % of the frames, which starves network and decoding on
 * machines with slow or software WebGL).
 */
class PacedRenderer {
  hasData = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  private cost = 0;

  constructor(
    private readonly render: () => void,
    private readonly minGapMs = 250,
    private readonly maxGapMs = 1500,
  ) {}

  request(): void {
    if (this.timer) return;
    const gap = Math.min(this.maxGapMs, Math.max(this.minGapMs, 4 * this.cost));
    const wait = Math.max(0, this.last + gap - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = performance.now();
    this.render();
  }

  /** A viewport finished rendering: measure how long the last render took. */
  rendered(): void {
    this.cost = Math.max(0, performance.now() - this.last);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
