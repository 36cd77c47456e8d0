// Landmark correction round trip: POST the six points, take the server's
// recomputed vertebra; on 409 show why and reload that vertebra; on 400/403
// show the message and drop the local preview.
import { fetchAnalysis } from '../api/analysis';
import { postCorrection } from '../api/corrections';
import { ApiError, isAbortError } from '../api/http';
import { formatGrade, formatVhl } from '../format';
import type { VertebraStore } from '../store';
import type { Landmarks, Vertebra, ViewerConfig } from '../types';

export interface CorrectionDeps {
  cfg: ViewerConfig;
  store: VertebraStore;
  signal: AbortSignal;
  allowed: () => boolean;
  message: (text: string, kind?: 'info' | 'error') => void;
}

export function correctionCommitter(deps: CorrectionDeps): (v: Vertebra, landmarks: Landmarks) => Promise<void> {
  const { cfg, store, signal } = deps;

  /** After a 409: fetch the analysis again and take that vertebra's new state. */
  const reloadVertebra = async (findingId: number) => {
    try {
      const data = await fetchAnalysis(cfg.analysisUrl, signal);
      const fresh = data.vertebrae.find((x) => x.finding_id === findingId);
      if (fresh) store.replace(fresh);
    } catch (err) {
      if (!isAbortError(err)) console.warn('[vcf-viewer] reload after conflict failed', err);
    }
  };

  return async (v, landmarks) => {
    const template = cfg.correctionsUrl;
    if (!template || !deps.allowed()) {
      store.setPreview(v.finding_id, null);
      return;
    }
    const id = v.finding_id;
    const latest = store.byId(id) ?? v;
    store.saving.add(id);
    deps.message(`Saving correction for ${v.label}…`);
    store.emit();
    try {
      const updated = await postCorrection(
        template,
        id,
        { landmarks_lps_mm: landmarks, note: '', based_on_correction_id: latest.correction?.id ?? null },
        cfg.csrfToken,
        signal,
      );
      store.saving.delete(id);
      store.replace(updated);
      const c = updated.current;
      deps.message(`${updated.label}: correction saved (${formatGrade(c.grade)}, VHL ${formatVhl(c.height_loss_pct)}).`);
    } catch (err) {
      store.saving.delete(id);
      store.setPreview(id, null);
      if (signal.aborted || isAbortError(err)) return;
      const detail = err instanceof ApiError ? err.detail : err instanceof Error ? err.message : String(err);
      deps.message(`${v.label}: ${detail}`, 'error');
      if (err instanceof ApiError && err.status === 409) await reloadVertebra(id);
    }
  };
}
