import type { Landmarks, Vertebra } from '../types';
import { requestJson } from './http';

export interface CorrectionRequest {
  landmarks_lps_mm: Landmarks;
  note: string;
  based_on_correction_id: number | null;
}

export function correctionsUrlFor(template: string, findingId: number): string {
  return template.replace('{finding_id}', encodeURIComponent(String(findingId)));
}

/**
 * POST a landmark correction. Resolves with the server's vertebra (heights,
 * VHL and grade recomputed there); rejects with ApiError (409 on a concurrent
 * correction, 400/403 otherwise).
 */
export function postCorrection(
  template: string,
  findingId: number,
  payload: CorrectionRequest,
  csrfToken: string,
  signal?: AbortSignal,
): Promise<Vertebra> {
  return requestJson<Vertebra>(correctionsUrlFor(template, findingId), {
    method: 'POST',
    body: payload,
    csrfToken,
    signal,
  });
}
