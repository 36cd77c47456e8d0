// Tiny readers for DICOM JSON (PS3.18 F.2) attributes.

export interface DicomJsonAttribute {
  vr?: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJsonInstance = Record<string, DicomJsonAttribute>;

export function firstValue(inst: DicomJsonInstance, tag: string): unknown {
  return inst[tag]?.Value?.[0];
}

export function stringValue(inst: DicomJsonInstance, tag: string): string | null {
  const v = firstValue(inst, tag);
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && v && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return String(v).trim();
}

export function numberValues(inst: DicomJsonInstance, tag: string): number[] | null {
  const vals = inst[tag]?.Value;
  if (!vals || !vals.length) return null;
  const nums = vals.map((v) => Number(v));
  return nums.every((n) => Number.isFinite(n)) ? nums : null;
}

export function numberValue(inst: DicomJsonInstance, tag: string): number | null {
  const vals = numberValues(inst, tag);
  return vals ? vals[0] : null;
}

export const TAG = {
  SOPInstanceUID: '00080018',
  SeriesInstanceUID: '0020000E',
  StudyInstanceUID: '0020000D',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  NumberOfFrames: '00280008',
  Modality: '00080060',
} as const;
