// Vertebra state shared by the panel and the overlays, plus the drag preview.
import type { Landmarks, Vertebra } from './types';

export interface OverlayLayers {
  all: boolean;
  labels: boolean;
  landmarks: boolean;
  hu: boolean;
}

type Listener = () => void;

export class VertebraStore {
  private list: Vertebra[] = [];
  private previews = new Map<number, Landmarks>();
  private listeners = new Set<Listener>();
  selected: string | null = null;
  /** The volume is in the viewports (overlays are not drawn before). */
  imagesShown = false;
  layers: OverlayLayers = { all: true, labels: true, landmarks: true, hu: true };
  /** Finding ids with a correction POST in flight. */
  readonly saving = new Set<number>();

  get vertebrae(): readonly Vertebra[] {
    return this.list;
  }

  set(vertebrae: Vertebra[]): void {
    this.list = vertebrae.slice();
    this.previews.clear();
    this.emit();
  }

  byLabel(label: string): Vertebra | undefined {
    return this.list.find((v) => v.label === label);
  }

  byId(findingId: number): Vertebra | undefined {
    return this.list.find((v) => v.finding_id === findingId);
  }

  /** Replace one vertebra (matched by finding_id) with the server's version. */
  replace(v: Vertebra): void {
    const i = this.list.findIndex((x) => x.finding_id === v.finding_id);
    if (i >= 0) this.list[i] = v;
    else this.list.push(v);
    this.previews.delete(v.finding_id);
    this.emit();
  }

  /** Landmarks to draw: the drag preview when there is one, else the current ones. */
  landmarksOf(v: Vertebra): Landmarks | null {
    return this.previews.get(v.finding_id) ?? v.current.landmarks_lps_mm ?? null;
  }

  hasPreview(findingId: number): boolean {
    return this.previews.has(findingId);
  }

  setPreview(findingId: number, landmarks: Landmarks | null): void {
    if (landmarks) this.previews.set(findingId, landmarks);
    else this.previews.delete(findingId);
    this.emit();
  }

  select(label: string | null): void {
    this.selected = label;
    this.emit();
  }

  setLayers(layers: Partial<OverlayLayers>): void {
    this.layers = { ...this.layers, ...layers };
    this.emit();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
