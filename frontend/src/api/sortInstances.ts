// Spatial ordering of a series' instances (pure, unit-tested).
import type { Vec3 } from '../types';
import { type DicomJsonInstance, TAG, numberValue, numberValues } from './dicomJson';

export interface PositionedItem {
  /** Image position (patient), LPS mm; null when missing. */
  position: Vec3 | null;
  /** Image orientation (patient): row then column direction cosines. */
  orientation: number[] | null;
  instanceNumber: number | null;
}

export function sliceNormal(orientation: number[]): Vec3 {
  const [rx, ry, rz, cx, cy, cz] = orientation;
  const n: Vec3 = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const len = Math.hypot(n[0], n[1], n[2]) || 1;
  return [n[0] / len, n[1] / len, n[2] / len];
}

/**
 * Indices of `items` sorted by position along the slice normal (ascending,
 * as Cornerstone orders volume frames). Falls back to InstanceNumber, then to
 * the original order, when geometry is missing.
 */
export function spatialOrder(items: PositionedItem[]): number[] {
  const idx = items.map((_, i) => i);
  const ref = items.find((it) => it.orientation && it.orientation.length === 6);
  const allPositioned = items.every((it) => it.position);
  if (ref?.orientation && allPositioned) {
    const n = sliceNormal(ref.orientation);
    const d = items.map((it) => {
      const p = it.position as Vec3;
      return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
    });
    return idx.sort((a, b) => d[a] - d[b] || a - b);
  }
  return idx.sort((a, b) => {
    const ia = items[a].instanceNumber;
    const ib = items[b].instanceNumber;
    if (ia !== null && ib !== null && ia !== ib) return ia - ib;
    return a - b;
  });
}

export function positionedFromJson(inst: DicomJsonInstance): PositionedItem {
  const pos = numberValues(inst, TAG.ImagePositionPatient);
  const ori = numberValues(inst, TAG.ImageOrientationPatient);
  return {
    position: pos && pos.length >= 3 ? [pos[0], pos[1], pos[2]] : null,
    orientation: ori && ori.length === 6 ? ori : null,
    instanceNumber: numberValue(inst, TAG.InstanceNumber),
  };
}
