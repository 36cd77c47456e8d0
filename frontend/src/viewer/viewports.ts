// Rendering engine, the two orthographic MPR viewports and the streaming volume.
import {
  Enums,
  RenderingEngine,
  cache,
  setVolumesForViewports,
  utilities,
  volumeLoader,
  type Types,
} from '@cornerstonejs/core';
import type { ViewName } from '../types';
import { STREAMING_VOLUME_SCHEME } from './init';
import { type VoiRange } from './presets';

export const VIEW_NAMES: ViewName[] = ['sagittal', 'axial'];

let engineSerial = 0;

export interface Engine {
  engine: RenderingEngine;
  ids: Record<ViewName, string>;
  viewport(name: ViewName): Types.IVolumeViewport;
}

export function createEngine(elements: Record<ViewName, HTMLDivElement>): Engine {
  const serial = ++engineSerial;
  const engine = new RenderingEngine(`vcf-engine-${serial}`);
  const ids: Record<ViewName, string> = { sagittal: `vcf-sagittal-${serial}`, axial: `vcf-axial-${serial}` };
  engine.setViewports([
    {
      viewportId: ids.sagittal,
      type: Enums.ViewportType.ORTHOGRAPHIC,
      element: elements.sagittal,
      defaultOptions: { orientation: Enums.OrientationAxis.SAGITTAL, background: [0, 0, 0] as Types.Point3 },
    },
    {
      viewportId: ids.axial,
      type: Enums.ViewportType.ORTHOGRAPHIC,
      element: elements.axial,
      defaultOptions: { orientation: Enums.OrientationAxis.AXIAL, background: [0, 0, 0] as Types.Point3 },
    },
  ]);
  return {
    engine,
    ids,
    viewport: (name) => engine.getViewport(ids[name]) as Types.IVolumeViewport,
  };
}

/** Frame loading order: the focus slice and its neighbours first, then interleaved. */
export function retrieveStages(focusIndex: number, count: number): Types.RetrieveStage[] {
  const { ImageQualityStatus, RequestType } = Enums;
  const nearbyFrames = [
    { offset: -1, imageQualityStatus: ImageQualityStatus.ADJACENT_REPLICATE },
    { offset: +1, imageQualityStatus: ImageQualityStatus.ADJACENT_REPLICATE },
    { offset: +2, imageQualityStatus: ImageQualityStatus.FAR_REPLICATE },
  ];
  const clampIndex = (i: number) => Math.max(0, Math.min(count - 1, i));
  const focus = clampIndex(focusIndex);
  // Integer positions are absolute frame indices (0 reads as the fraction 0: same frame).
  const positions = [...new Set([focus, clampIndex(focus - 2), clampIndex(focus + 2)])];
  const stage = (id: string, decimate: number, offset: number, priority: number, nearby: boolean) => ({
    id,
    decimate,
    offset,
    priority,
    requestType: RequestType.Thumbnail,
    retrieveType: 'default',
    ...(nearby ? { nearbyFrames } : {}),
  });
  return [
    {
      id: 'focus',
      positions,
      priority: 4,
      requestType: RequestType.Thumbnail,
      retrieveType: 'default',
      nearbyFrames: [
        { offset: -1, imageQualityStatus: ImageQualityStatus.ADJACENT_REPLICATE },
        { offset: +1, imageQualityStatus: ImageQualityStatus.ADJACENT_REPLICATE },
      ],
    },
    stage('quarter', 4, 3, 6, true),
    stage('half', 4, 1, 7, true),
    stage('threeQuarter', 4, 2, 8, false),
    stage('full', 4, 0, 9, false),
    { id: 'errorRetrieve' },
  ];
}

export interface VolumeHandle {
  volumeId: string;
  volume: Types.IImageVolume;
  imageIds: string[];
}

export async function createStreamingVolume(tag: string, imageIds: string[]): Promise<VolumeHandle> {
  const volumeId = `${STREAMING_VOLUME_SCHEME}:vcf-${tag}-${utilities.uuidv4().slice(0, 8)}`;
  const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds });
  return { volumeId, volume, imageIds: volume.imageIds ?? imageIds };
}

export function startLoading(handle: VolumeHandle, stages: Types.RetrieveStage[]): void {
  utilities.imageRetrieveMetadataProvider.add(handle.volumeId, { stages });
  (handle.volume as Types.IStreamingImageVolume).load();
}

export async function showVolume(eng: Engine, handle: VolumeHandle): Promise<void> {
  await setVolumesForViewports(eng.engine, [{ volumeId: handle.volumeId }], [eng.ids.sagittal, eng.ids.axial]);
}

export function setVoi(eng: Engine, range: VoiRange, render = true): void {
  for (const name of VIEW_NAMES) {
    const vp = eng.viewport(name);
    vp.setProperties({ voiRange: { lower: range.lower, upper: range.upper } });
    if (render) vp.render();
  }
}

export function destroyVolume(handle: VolumeHandle): void {
  const vol = handle.volume as Partial<Types.IStreamingImageVolume>;
  try {
    vol.cancelLoading?.();
  } catch {
    /* already stopped */
  }
  utilities.imageRetrieveMetadataProvider.add(handle.volumeId, undefined);
  try {
    cache.removeVolumeLoadObject(handle.volumeId);
  } catch {
    /* not cached */
  }
  for (const id of handle.imageIds) {
    try {
      cache.removeImageLoadObject(id, { force: true });
    } catch {
      /* not cached */
    }
  }
}
