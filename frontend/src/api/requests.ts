// The viewer's first network requests, started by the bootstrap entry while
// the Cornerstone bundle downloads: the analysis JSON and the series metadata.
import type { AnalysisData, ViewerConfig } from '../types';
import { fetchAnalysis } from './analysis';
import type { DicomJsonInstance } from './dicomJson';
import { fetchSeriesMetadata } from './seriesMetadata';

export interface EarlyRequests {
  analysis: Promise<AnalysisData>;
  metadata: Promise<DicomJsonInstance[]>;
}

function mark(name: string): void {
  try {
    performance.mark(`vcf:${name}`);
  } catch {
    /* best effort */
  }
}

export function dicomwebRootOf(cfg: ViewerConfig, data?: AnalysisData | null): string {
  return cfg.dicomwebRoot || data?.dicomweb_root || '/dicomweb';
}

/**
 * Start the analysis request and, as soon as its UIDs are known (at once when
 * the page gives them as data attributes), the series metadata request.
 */
export function startRequests(cfg: ViewerConfig, signal: AbortSignal): EarlyRequests {
  const analysis = fetchAnalysis(cfg.analysisUrl, signal).then((d) => {
    mark('analysis');
    return d;
  });
  const fromUids = (study: string, series: string, root: string) =>
    fetchSeriesMetadata(root, study, series, signal).then((m) => {
      mark('metadata');
      return m;
    });
  const metadata =
    cfg.studyUid && cfg.seriesUid
      ? fromUids(cfg.studyUid, cfg.seriesUid, dicomwebRootOf(cfg))
      : analysis.then((d) =>
          fromUids(d.analysis.study_instance_uid, d.analysis.series_instance_uid, dicomwebRootOf(cfg, d)),
        );
  // Whoever awaits them handles rejections; no "unhandled rejection" noise meanwhile.
  analysis.catch(() => undefined);
  metadata.catch(() => undefined);
  return { analysis, metadata };
}
