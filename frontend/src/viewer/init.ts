// One-time Cornerstone3D set-up (core, DICOM image loader, tools).
// Idempotent: a second Viewer on the same page reuses it.
import {
  Enums,
  cornerstoneStreamingImageVolumeLoader,
  imageRetrievalPoolManager,
  init as coreInit,
  isCornerstoneInitialized,
  volumeLoader,
} from '@cornerstonejs/core';
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader';
import {
  PanTool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
  addTool,
  init as toolsInit,
} from '@cornerstonejs/tools';

export const STREAMING_VOLUME_SCHEME = 'cornerstoneStreamingImageVolume';

let toolsReady = false;

export function initCornerstone(): void {
  if (!isCornerstoneInitialized()) {
    // One WebGL context for both viewports: shaders compile once and the volume
    // texture is uploaded once (the two views share it).
    coreInit({ rendering: { webGlContextCount: 1 }, debug: {} });
    const cores = navigator.hardwareConcurrency || 2;
    dicomImageLoaderInit({ maxWebWorkers: Math.max(1, Math.min(4, Math.floor(cores / 2))) });
    volumeLoader.registerVolumeLoader(STREAMING_VOLUME_SCHEME, cornerstoneStreamingImageVolumeLoader as never);
    // Keep one of the browser's six HTTP/1.1 connections free for API calls
    // (analysis data, corrections) while a series streams in.
    for (const type of [Enums.RequestType.Interaction, Enums.RequestType.Thumbnail, Enums.RequestType.Prefetch]) {
      imageRetrievalPoolManager.setMaxSimultaneousRequests(type, 5);
    }
  }
  if (!toolsReady) {
    toolsInit();
    for (const Tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) {
      addTool(Tool);
    }
    toolsReady = true;
  }
}
