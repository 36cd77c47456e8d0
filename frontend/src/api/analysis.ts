import type { AnalysisData } from '../types';
import { requestJson } from './http';

export function fetchAnalysis(url: string, signal?: AbortSignal): Promise<AnalysisData> {
  return requestJson<AnalysisData>(url, { signal });
}
