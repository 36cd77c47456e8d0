// Shapes of the JSON the Django API returns (GET data-analysis-url, POST corrections).

export type Vec3 = [number, number, number];

export const LANDMARK_NAMES = [
  'anterior_superior',
  'anterior_inferior',
  'middle_superior',
  'middle_inferior',
  'posterior_superior',
  'posterior_inferior',
] as const;

export type LandmarkName = (typeof LANDMARK_NAMES)[number];

export type Landmarks = Record<LandmarkName, Vec3>;

export interface Heights {
  anterior: number;
  middle: number;
  posterior: number;
}

export interface Measurement {
  landmarks_lps_mm: Landmarks | null;
  heights_mm: Heights | null;
  height_loss_pct: number | null;
  grade: number | null;
}

export interface CurrentMeasurement extends Measurement {
  source: 'pipeline' | 'correction';
}

export interface Correction extends Measurement {
  id: number;
  author: string;
  created_at: string;
  note: string;
}

export interface HuRoi {
  centre_lps_mm: Vec3;
  /** [lateral, anteroposterior] semi-axes in mm. */
  semi_axes_mm: [number, number];
  lateral_axis: Vec3;
  anterior_axis: Vec3;
  mean_hu: number;
  std_hu: number;
  voxel_count: number;
}

export type VertebraStatus = 'measured' | 'excluded_cement' | string;

export interface Vertebra {
  finding_id: number;
  label: string;
  centroid_lps_mm: Vec3;
  confidence: number;
  status: VertebraStatus;
  uncertain: boolean;
  uncertainty_reasons: string[];
  mean_hu: number | null;
  hu_roi: HuRoi | null;
  measured: Measurement;
  correction: Correction | null;
  current: CurrentMeasurement;
}

export interface AnalysisSummary {
  id: number;
  status: string;
  model_version: string;
  positive: boolean | null;
  max_grade: number | null;
  l1_hu: number | null;
  mean_hu: number | null;
  study_instance_uid: string;
  series_instance_uid: string;
  patient_pseudonym: string;
  study_date: string | null;
  study_description: string | null;
}

export interface AnalysisData {
  analysis: AnalysisSummary;
  dicomweb_root: string;
  can_correct: boolean;
  vertebrae: Vertebra[];
}

/** Configuration read from the #vcf-viewer element's data attributes. */
export interface ViewerConfig {
  analysisUrl: string;
  dicomwebRoot: string | null;
  /** Contains the literal "{finding_id}". */
  correctionsUrl: string | null;
  csrfToken: string;
  canCorrect: boolean;
  /** Optional: lets the series metadata request start without waiting for the analysis JSON. */
  studyUid: string | null;
  seriesUid: string | null;
}

export type ViewName = 'sagittal' | 'axial';
