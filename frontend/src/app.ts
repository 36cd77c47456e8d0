// The heavy part, loaded by the bootstrap entry: Cornerstone and the viewer.
import { cache, getRenderingEngines } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import type { EarlyRequests } from './api/requests';
import type { Vec3, ViewName, ViewerConfig } from './types';
import { type CameraInfo, Viewer } from './viewer/Viewer';

export interface VcfViewerApi {
  camera(name: ViewName): CameraInfo;
  focus(label: string): void;
  destroy(): void;
  worldToCanvas(name: ViewName, point: Vec3): [number, number];
  canvasToWorld(name: ViewName, point: [number, number]): Vec3;
  /** What Cornerstone still holds; all zero after destroy() (tests check there is no leak). */
  resources(): ViewerResources;
  readonly viewer: Viewer;
}

export interface ViewerResources {
  renderingEngines: number;
  toolGroups: number;
  volumes: number;
  cachedBytes: number;
  canvases: number;
}

function resources(el: HTMLElement): ViewerResources {
  return {
    renderingEngines: (getRenderingEngines() ?? []).length,
    toolGroups: ToolGroupManager.getAllToolGroups().length,
    volumes: cache.getVolumes().length,
    cachedBytes: cache.getCacheSize(),
    canvases: el.querySelectorAll('canvas').length,
  };
}

declare global {
  interface Window {
    vcfViewer?: VcfViewerApi;
  }
}

export function startViewer(el: HTMLElement, cfg: ViewerConfig, early: EarlyRequests, abort: AbortController): VcfViewerApi {
  const viewer = new Viewer(el, cfg, early, abort);
  const api: VcfViewerApi = {
    camera: (name) => viewer.camera(name),
    focus: (label) => viewer.focus(label),
    destroy: () => {
      viewer.destroy();
      if (window.vcfViewer === api) delete window.vcfViewer;
    },
    worldToCanvas: (name, point) => viewer.worldToCanvas(name, point),
    canvasToWorld: (name, point) => viewer.canvasToWorld(name, point),
    resources: () => resources(el),
    viewer,
  };
  window.vcfViewer = api;
  void viewer.mount();
  return api;
}
