// Charts of the department statistics dashboard (templates/studies/statistics.html), built to
// static/viewer/stats.js. Only the Chart.js parts used here are registered, so the rest is shaken out.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  type Plugin,
  Tooltip,
} from 'chart.js';

import { type Bar, GRADE_GROUPS, NOVELTY_GROUPS, type StatisticsData, bars, describeBars, humanize } from './data';
import { drawFlowchart } from './flowchart';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = '#1d2330';

interface Series {
  label: string;
  bars: Bar[];
  colour: string;
}

/** Draws each bar's 95 % interval as a whisker with caps (the whiskers of dataset i are series[i]). */
function whiskers(series: Series[]): Plugin<'bar'> {
  return {
    id: 'vcf-ci-whiskers',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const scale = chart.scales.y;
      ctx.save();
      ctx.strokeStyle = '#1d2330';
      ctx.lineWidth = 1.5;
      series.forEach((s, datasetIndex) => {
        const meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden) return;
        meta.data.forEach((element, i) => {
          const bar = s.bars[i];
          if (!bar || bar.lower === null || bar.upper === null) return;
          const x = element.x;
          const top = scale.getPixelForValue(bar.upper);
          const bottom = scale.getPixelForValue(bar.lower);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.moveTo(x - 5, top);
          ctx.lineTo(x + 5, top);
          ctx.moveTo(x - 5, bottom);
          ctx.lineTo(x + 5, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };
}

function canvasIn(figure: HTMLElement, label: string): HTMLCanvasElement {
  const box = document.createElement('div');
  box.className = 'chart-box';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.textContent = label; // fallback content
  box.appendChild(canvas);
  figure.appendChild(box);
  return canvas;
}

function caption(figure: HTMLElement, text: string): void {
  const node = document.createElement('figcaption');
  node.textContent = text;
  figure.prepend(node);
}

function intervalChart(
  figure: HTMLElement,
  title: string,
  groups: readonly [string, string][],
  series: Series[],
): void {
  caption(figure, `${title} (bars: estimate; whiskers: exact 95 % CI)`);
  const canvas = canvasIn(figure, describeBars(title, series, groups));
  const datasets: ChartDataset<'bar', (number | null)[]>[] = series.map((s) => ({
    label: s.label,
    data: s.bars.map((b) => b.value),
    backgroundColor: s.colour,
  }));
  new Chart(canvas, {
    type: 'bar',
    // Long labels on two lines, so that they need no rotation.
    data: { labels: groups.map(([, label]) => (label.length > 10 ? label.split(' ') : label)), datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: false } },
        y: { min: 0, max: 100, title: { display: true, text: '%' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${series[item.datasetIndex].bars[item.dataIndex].text}` },
        },
      },
    },
    plugins: [whiskers(series)],
  });
}

function reasonsChart(figure: HTMLElement, reasons: Record<string, number>, labels: Record<string, string>): void {
  const entries = Object.entries(reasons);
  const text = `False-positive vertebrae by reason: ${entries
    .map(([code, n]) => `${labels[code] ?? humanize(code)} ${n}`)
    .join(', ')}.`;
  caption(figure, 'False-positive vertebrae by reason');
  const canvas = canvasIn(figure, text);
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: entries.map(([code]) => labels[code] ?? humanize(code)),
      datasets: [{ label: 'Vertebrae', data: entries.map(([, n]) => n), backgroundColor: '#e07000' }],
    },
    options: {
      animation: false,
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });
}

function gradesOverTimeChart(figure: HTMLElement, rows: StatisticsData['grades_by_month']): void {
  const text = `Flagged cases per month: ${rows
    .map((r) => `${r.month} grade 1 ${r.grade_1}, grade 2 ${r.grade_2}, grade 3 ${r.grade_3}`)
    .join('; ')}.`;
  caption(figure, 'Flagged cases per month, by grade');
  const canvas = canvasIn(figure, text);
  const grades: [keyof (typeof rows)[number], string, string][] = [
    ['grade_1', 'Grade 1', '#f2c200'],
    ['grade_2', 'Grade 2', '#e07000'],
    ['grade_3', 'Grade 3', '#c62828'],
  ];
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.month),
      datasets: grades.map(([key, label, colour]) => ({
        label,
        data: rows.map((r) => Number(r[key])),
        backgroundColor: colour,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

function reasonLabels(codes: string[]): Record<string, string> {
  // The page's table already holds the readable labels, in the same order as the data.
  const rows = document.querySelectorAll<HTMLTableRowElement>('#fp-table tbody tr');
  const labels: Record<string, string> = {};
  rows.forEach((row, i) => {
    const th = row.querySelector('th');
    if (th && codes[i]) labels[codes[i]] = th.textContent ?? codes[i];
  });
  return labels;
}

const source = document.getElementById('stats-data');
const data = JSON.parse(source?.textContent ?? 'null') as StatisticsData | null;

function figure(name: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`figure[data-chart="${name}"]`);
}

if (data) {
  const flow = figure('flowchart');
  if (flow) drawFlowchart(flow, data.flowchart);
  const ppv = figure('ppv');
  if (ppv) {
    intervalChart(ppv, 'Positive predictive value', GRADE_GROUPS, [
      { label: 'Per case', bars: bars(data.ppv_per_case, GRADE_GROUPS), colour: '#1f5fbf' },
      { label: 'Per vertebra', bars: bars(data.ppv_per_vertebra, GRADE_GROUPS), colour: '#8fb3ea' },
    ]);
  }
  const nonReported = figure('non-reported');
  if (nonReported) {
    const groups = [...GRADE_GROUPS, ...NOVELTY_GROUPS];
    intervalChart(nonReported, 'Fractures not reported', groups, [
      { label: 'Per case', bars: bars(data.non_reported_per_case, groups), colour: '#c62828' },
      { label: 'Per vertebra', bars: bars(data.non_reported_per_vertebra, groups), colour: '#ef9a9a' },
    ]);
  }
  const reasons = figure('fp-reasons');
  const overTime = figure('grades-over-time');
  if (overTime && data.grades_by_month.length > 0) gradesOverTimeChart(overTime, data.grades_by_month);
  if (reasons) reasonsChart(reasons, data.false_positive_reasons, reasonLabels(Object.keys(data.false_positive_reasons)));
}
