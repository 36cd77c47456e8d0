// Side panel: study summary, the vertebra table and the selected vertebra's details.
import { DASH, flagsOf, formatGrade, formatHu, formatVhl, isCement } from '../format';
import { gradeColour, CEMENT_COLOUR } from '../overlays/colours';
import type { VertebraStore } from '../store';
import type { AnalysisData, Vertebra } from '../types';
import { Listeners, h } from '../viewer/dom';
import { renderDetails } from './details';

export interface PanelOptions {
  container: HTMLElement;
  store: VertebraStore;
  onFocus: (label: string) => void;
}

export class Panel {
  private readonly summary = h('div', { class: 'vcf-summary' });
  private readonly message = h('div', { id: 'correction-message', class: 'vcf-message', role: 'status', hidden: true });
  private readonly tbody = h('tbody');
  private readonly details = h('div', { class: 'vcf-details' });
  private readonly listeners = new Listeners();
  private lastSelected: string | null = null;

  constructor(private readonly opts: PanelOptions) {
    const table = h(
      'table',
      { class: 'vcf-vertebrae' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: 'Level' }),
          h('th', { scope: 'col', text: 'Grade' }),
          h('th', { scope: 'col', text: 'VHL' }),
          h('th', { scope: 'col', text: 'HU' }),
          h('th', { scope: 'col', text: 'Flags' }),
        ),
      ),
      this.tbody,
    );
    opts.container.replaceChildren(
      this.summary,
      this.message,
      h('div', { class: 'vcf-table-wrap' }, table),
      this.details,
    );
    this.listeners.on<MouseEvent>(this.tbody, 'click', (ev) => this.onRowActivate(ev));
    this.listeners.on<KeyboardEvent>(this.tbody, 'keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        this.onRowActivate(ev);
      }
    });
    this.listeners.add(opts.store.subscribe(() => this.render()));
    this.message.title = 'Click to dismiss';
    this.listeners.on(this.message, 'click', () => this.showMessage(''));
  }

  private onRowActivate(ev: Event): void {
    const row = (ev.target as Element | null)?.closest('tr[data-label]');
    const label = row?.getAttribute('data-label');
    if (label) this.opts.onFocus(label);
  }

  setSummary(data: AnalysisData): void {
    const a = data.analysis;
    const rows: [string, string][] = [
      ['Patient', a.patient_pseudonym || DASH],
      ['Study', [a.study_date, a.study_description].filter(Boolean).join(' · ') || DASH],
      ['Result', a.positive === null ? DASH : a.positive ? `Positive (max ${formatGrade(a.max_grade)})` : 'Negative'],
      ['L1 HU', formatHu(a.l1_hu)],
      ['Model', a.model_version || DASH],
    ];
    this.summary.replaceChildren(
      h('h2', { class: 'vcf-panel-title', text: 'Vertebrae' }),
      h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v, title: v })])),
    );
  }

  showMessage(text: string, kind: 'info' | 'error' = 'info'): void {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
    this.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.message.hidden = !text;
  }

  render(): void {
    const { store } = this.opts;
    this.tbody.replaceChildren(...store.vertebrae.map((v) => this.row(v, store.selected === v.label)));
    const sel = store.selected ? store.byLabel(store.selected) : undefined;
    this.details.replaceChildren(...(sel ? renderDetails(sel, store.saving.has(sel.finding_id)) : []));
    if (store.selected !== this.lastSelected) {
      this.lastSelected = store.selected;
      this.tbody.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
    }
  }

  private row(v: Vertebra, selected: boolean): HTMLTableRowElement {
    const cement = isCement(v);
    const grade = v.current.grade;
    const colour = cement ? CEMENT_COLOUR : gradeColour(grade);
    const flags = flagsOf(v);
    const flagCell = h('td', { class: 'flags' });
    for (const f of flags) {
      const title =
        f === 'uncertain'
          ? v.uncertainty_reasons.join('; ') || 'uncertain measurement'
          : f === 'corrected' && v.correction
            ? `Reader correction by ${v.correction.author} (${v.correction.created_at})`
            : f === 'cement'
              ? 'Cemented vertebra: excluded from grading'
              : f;
      flagCell.append(h('span', { class: `flag flag-${f}`, title, text: f }), ' ');
    }
    if (v.current.source === 'correction') {
      flagCell.append(
        h('span', {
          class: 'orig',
          title: 'Original (pipeline) measurement',
          text: `orig. ${formatGrade(v.measured.grade)} ${formatVhl(v.measured.height_loss_pct)}`,
        }),
      );
    }
    const tr = h(
      'tr',
      {
        'data-label': v.label,
        'data-finding-id': v.finding_id,
        'data-grade': grade ?? '',
        'data-status': v.status,
        'data-source': v.current.source,
        class: selected ? 'selected' : null,
        tabindex: 0,
        'aria-selected': selected ? 'true' : 'false',
        title: `Centre both views on ${v.label}`,
      },
      h('th', { scope: 'row', class: 'label' }, h('span', { class: 'swatch', style: `background:${colour}` }), v.label),
      h('td', { class: 'grade', text: cement ? DASH : formatGrade(grade) }),
      h('td', { class: 'vhl', text: cement ? DASH : formatVhl(v.current.height_loss_pct) }),
      h('td', { class: 'hu', text: formatHu(v.hu_roi?.mean_hu ?? v.mean_hu) }),
      flagCell,
    );
    return tr;
  }

  destroy(): void {
    this.listeners.clear();
    this.opts.container.replaceChildren();
  }
}
