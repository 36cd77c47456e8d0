// WADO-RS series metadata request (kept free of Cornerstone imports: the
// bootstrap entry starts it before the viewer bundle has loaded).
import type { DicomJsonInstance } from './dicomJson';
import { requestJson } from './http';

export function trimRoot(root: string): string {
  return root.replace(/\/+$/, '');
}

export function seriesMetadataUrl(root: string, study: string, series: string): string {
  return `${trimRoot(root)}/studies/${study}/series/${series}/metadata`;
}

export async function fetchSeriesMetadata(
  root: string,
  study: string,
  series: string,
  signal?: AbortSignal,
): Promise<DicomJsonInstance[]> {
  const body = await requestJson<DicomJsonInstance[]>(seriesMetadataUrl(root, study, series), {
    signal,
    accept: 'application/dicom+json, application/json',
  });
  if (!Array.isArray(body) || body.length === 0) {
    throw new Error('The series has no instances on the DICOMweb server.');
  }
  return body;
}
