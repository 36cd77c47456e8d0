// The data-* attributes the end-to-end tests and the benchmark read on #vcf-viewer.
import { mark } from './marks';

export type ViewerState = 'loading' | 'ready' | 'error';

export class Hooks {
  private firstImage = false;
  private rendered = new Set<string>();

  constructor(
    private readonly root: HTMLElement,
    private readonly expected: string[],
  ) {}

  setState(state: ViewerState): void {
    this.root.dataset.state = state;
  }

  get state(): ViewerState | undefined {
    return this.root.dataset.state as ViewerState | undefined;
  }

  /** A viewport rendered with image data in it. */
  imageRendered(view: string): void {
    if (!this.firstImage) {
      this.firstImage = true;
      this.root.dataset.firstImageMs = String(Math.round(performance.now()));
      mark('first-image');
    }
    this.rendered.add(view);
    if (this.state === 'loading' && this.expected.every((v) => this.rendered.has(v))) {
      this.setState('ready');
      mark('ready');
    }
  }

  volumeLoaded(): void {
    if (!this.root.dataset.volumeLoadedMs) {
      this.root.dataset.volumeLoadedMs = String(Math.round(performance.now()));
      mark('volume-loaded');
    }
  }

  clear(): void {
    for (const k of ['state', 'firstImageMs', 'volumeLoadedMs']) delete this.root.dataset[k];
  }
}
