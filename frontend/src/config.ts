// #vcf-viewer's data attributes -> ViewerConfig.
import type { ViewerConfig } from './types';

export function readConfig(el: HTMLElement): ViewerConfig {
  const d = el.dataset;
  if (!d.analysisUrl) throw new Error('#vcf-viewer needs data-analysis-url');
  return {
    analysisUrl: d.analysisUrl,
    dicomwebRoot: d.dicomwebRoot || null,
    correctionsUrl: d.correctionsUrl || null,
    csrfToken: d.csrfToken ?? '',
    canCorrect: d.canCorrect === 'true' || d.canCorrect === '1',
    studyUid: d.studyInstanceUid || null,
    seriesUid: d.seriesInstanceUid || null,
  };
}
