// Series metadata -> wadors: imageIds sorted spatially, with each instance's
// metadata registered for the DICOM image loader.
import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { Vec3 } from '../types';
import { type DicomJsonInstance, TAG, numberValue, stringValue } from './dicomJson';
import { trimRoot } from './seriesMetadata';
import { positionedFromJson, spatialOrder } from './sortInstances';

export interface SeriesImages {
  /** wadors: imageIds, sorted along the slice normal. */
  imageIds: string[];
  /** Image position (patient) per imageId (same order), when known. */
  positions: (Vec3 | null)[];
}

export function frameImageId(root: string, study: string, series: string, sop: string, frame = 1): string {
  return `wadors:${trimRoot(root)}/studies/${study}/series/${series}/instances/${sop}/frames/${frame}`;
}

/** Build imageIds and hand every instance's metadata to the wadors loader. */
export function buildImageIds(
  root: string,
  study: string,
  series: string,
  instances: DicomJsonInstance[],
): SeriesImages {
  const usable = instances.filter((inst) => stringValue(inst, TAG.SOPInstanceUID));
  const items = usable.map(positionedFromJson);
  const order = spatialOrder(items);
  const imageIds: string[] = [];
  const positions: (Vec3 | null)[] = [];
  for (const i of order) {
    const inst = usable[i];
    const sop = stringValue(inst, TAG.SOPInstanceUID) as string;
    const frames = Math.max(1, numberValue(inst, TAG.NumberOfFrames) ?? 1);
    for (let f = 1; f <= frames; f++) {
      const imageId = frameImageId(root, study, series, sop, f);
      if (f === 1) wadors.metaDataManager.add(imageId, inst as never);
      imageIds.push(imageId);
      positions.push(frames === 1 ? items[i].position : null);
    }
  }
  return { imageIds, positions };
}

export function forgetImageIds(imageIds: string[]): void {
  for (const id of imageIds) wadors.metaDataManager.remove(id);
}
