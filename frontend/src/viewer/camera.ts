// Camera maths for "centre on this point" (pure) and its application.
import type { Types } from '@cornerstonejs/core';
import { add, dot, normalize, scale, sub } from '../overlays/geometry';
import type { Vec3 } from '../types';

export interface CameraLike {
  focalPoint: Vec3;
  position: Vec3;
}

/**
 * Camera that looks at `target` with the same direction, distance, view-up and
 * zoom: the slice moves to the target and the view is panned so it is centred.
 */
export function centredOn<T extends CameraLike>(camera: T, target: Vec3): T {
  const offset = sub(camera.position, camera.focalPoint);
  return { ...camera, focalPoint: [...target] as Vec3, position: add(target, offset) };
}

export function centreViewportOn(viewport: Types.IVolumeViewport, target: Vec3): void {
  const cam = viewport.getCamera();
  const next = centredOn(
    { focalPoint: cam.focalPoint as Vec3, position: cam.position as Vec3 },
    target,
  );
  viewport.setCamera({ focalPoint: next.focalPoint, position: next.position });
  viewport.render();
}

/** Same camera moved along `normal` only, so the slice passes through `target` (no pan). */
export function slicedTo<T extends CameraLike>(camera: T, target: Vec3, normal: Vec3): T {
  const d = dot(sub(target, camera.focalPoint), normal);
  const shift = scale(normal, d);
  return { ...camera, focalPoint: add(camera.focalPoint, shift), position: add(camera.position, shift) };
}

export function sliceViewportTo(viewport: Types.IVolumeViewport, target: Vec3): void {
  const cam = viewport.getCamera();
  const next = slicedTo(
    { focalPoint: cam.focalPoint as Vec3, position: cam.position as Vec3 },
    target,
    normalize(cam.viewPlaneNormal as Vec3),
  );
  viewport.setCamera({ focalPoint: next.focalPoint, position: next.position });
}
