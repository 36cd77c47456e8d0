// Bootstrap entry (static/viewer/viewer.js, kept tiny): read #vcf-viewer's
// data attributes, start the analysis and series-metadata requests at once,
// then load the Cornerstone viewer chunk and mount it. Tear down on pagehide.
import './styles/layout.css';
import './styles/overlay.css';
import './styles/panel.css';
import { type EarlyRequests, startRequests } from './api/requests';
import { readConfig } from './config';
import type { ViewerConfig } from './types';

function showFatal(el: HTMLElement, message: string): void {
  el.dataset.state = 'error';
  const box = document.createElement('div');
  box.id = 'viewer-error';
  box.className = 'vcf-error';
  box.setAttribute('role', 'alert');
  box.textContent = message;
  el.replaceChildren(box);
}

let pendingAbort: AbortController | null = null;

function start(el: HTMLElement): void {
  try {
    performance.mark('vcf:start');
  } catch {
    /* best effort */
  }
  let cfg: ViewerConfig;
  try {
    cfg = readConfig(el);
  } catch (err) {
    showFatal(el, err instanceof Error ? err.message : String(err));
    return;
  }
  el.dataset.state = 'loading';
  const abort = new AbortController();
  pendingAbort = abort;
  const early: EarlyRequests = startRequests(cfg, abort.signal);
  import('./app')
    .then(({ startViewer }) => {
      if (abort.signal.aborted) return;
      pendingAbort = null;
      startViewer(el, cfg, early, abort);
    })
    .catch((err) => {
      if (!abort.signal.aborted) showFatal(el, `The viewer could not load: ${err instanceof Error ? err.message : err}`);
    });
}

function stop(): void {
  pendingAbort?.abort();
  pendingAbort = null;
  window.vcfViewer?.destroy();
}

const el = document.getElementById('vcf-viewer');
if (el) {
  start(el);
  // Tear down on leave; a page restored from the back/forward cache starts afresh.
  window.addEventListener('pagehide', stop);
  window.addEventListener('beforeunload', stop);
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted && !window.vcfViewer) start(el);
  });
}
