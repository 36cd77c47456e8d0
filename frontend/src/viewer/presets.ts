// Window presets (pure helpers; the toolbar applies them to both viewports).

export interface WindowPreset {
  id: string;
  label: string;
  width: number;
  level: number;
}

export const PRESETS: WindowPreset[] = [
  { id: 'bone', label: 'Bone', width: 2000, level: 500 },
  { id: 'soft', label: 'Soft tissue', width: 400, level: 40 },
  { id: 'spine', label: 'Spine', width: 1500, level: 300 },
];

export const DEFAULT_PRESET = PRESETS[0];

export interface VoiRange {
  lower: number;
  upper: number;
}

export function windowToRange(width: number, level: number): VoiRange {
  const w = Math.max(1, width);
  return { lower: level - w / 2, upper: level + w / 2 };
}

export function rangeToWindow(range: VoiRange): { width: number; level: number } {
  return { width: range.upper - range.lower, level: (range.upper + range.lower) / 2 };
}

export function presetById(id: string): WindowPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}
