// The dashboard's figures as embedded by templates/studies/statistics.html ({{ data|json_script }}),
// i.e. studies.statistics.figures.department_statistics, and pure helpers the charts are built from.

export interface Proportion {
  k: number;
  n: number;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  text: string;
}

export interface Flowchart {
  collected: number;
  excluded: number;
  excluded_by_reason: Record<string, number>;
  not_finished: number;
  analysed: number;
  negative: number;
  flagged: number;
  repeats_removed: number;
  first_studies_flagged: number;
  reviewed: number;
  true_positive: number;
  false_positive: number;
}

export interface StatisticsData {
  flowchart: Flowchart;
  ppv_per_case: Record<string, Proportion>;
  ppv_per_vertebra: Record<string, Proportion>;
  non_reported_per_case: Record<string, Proportion>;
  non_reported_per_vertebra: Record<string, Proportion>;
  false_positive_reasons: Record<string, number>;
  regions: { thoracic: number; lumbar: number; total: number };
  grades_by_month: { month: string; grade_1: number; grade_2: number; grade_3: number }[];
}

export const GRADE_GROUPS: readonly [string, string][] = [
  ['overall', 'Overall'],
  ['grade_1_2', 'Grade 1–2'],
  ['grade_3', 'Grade 3'],
];

export const NOVELTY_GROUPS: readonly [string, string][] = [
  ['new', 'New'],
  ['previously_known', 'Previously known'],
];

/** One bar: the estimate in percent and its interval, null where nothing was counted (n = 0). */
export interface Bar {
  value: number | null;
  lower: number | null;
  upper: number | null;
  text: string;
}

export function bars(section: Record<string, Proportion>, groups: readonly [string, string][]): Bar[] {
  return groups.map(([key]) => {
    const p = section[key];
    if (!p || p.n === 0 || p.estimate === null) return { value: null, lower: null, upper: null, text: '–' };
    return {
      value: 100 * p.estimate,
      lower: p.lower === null ? null : 100 * p.lower,
      upper: p.upper === null ? null : 100 * p.upper,
      text: p.text,
    };
  });
}

/** A sentence describing the bars, for screen readers (the tables below hold the same figures). */
export function describeBars(
  title: string,
  series: { label: string; bars: Bar[] }[],
  groups: readonly [string, string][],
): string {
  const parts = series.map(
    (s) => `${s.label}: ${groups.map(([, label], i) => `${label} ${s.bars[i].text}`).join('; ')}`,
  );
  return `${title}. ${parts.join('. ')}.`;
}

const EXCLUSION_LABELS: Record<string, string> = {
  not_ct: 'Not CT',
  age_below_minimum: 'Below minimum age',
  age_unknown: 'Age unknown',
  slice_too_thick: 'Slices too thick',
  kernel_not_supported: 'Kernel not supported',
  not_axial: 'Not axial',
  insufficient_coverage: 'Spine not covered',
};

export function exclusionLabel(code: string): string {
  return EXCLUSION_LABELS[code] ?? humanize(code);
}

export function humanize(code: string): string {
  const text = code.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
