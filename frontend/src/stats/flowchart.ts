// The study flowchart (the paper's Figure 1) as an SVG diagram: boxes with counts, arrows between them.

import { type Flowchart, exclusionLabel } from './data';

const SVG = 'http://www.w3.org/2000/svg';
const MAIN_X = 10;
const MAIN_W = 290;
const SIDE_X = 350;
const SIDE_W = 260;
const LINE = 17;
const PAD = 10;
const GAP = 34;

interface Box {
  lines: string[];
  kind?: 'side' | 'tp' | 'fp';
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  parent.appendChild(node);
  return node;
}

function boxHeight(box: Box): number {
  return 2 * PAD + LINE * box.lines.length - 4;
}

function drawBox(svg: SVGSVGElement, box: Box, x: number, y: number, w: number): number {
  const h = boxHeight(box);
  const g = el('g', { class: `flow-box${box.kind ? ` ${box.kind}` : ''}` }, svg);
  el('rect', { x, y, width: w, height: h, rx: 5 }, g);
  box.lines.forEach((line, i) => {
    const text = el('text', { x: x + PAD, y: y + PAD + 12 + i * LINE, class: i === 0 ? 'count' : '' }, g);
    text.textContent = line;
  });
  return h;
}

function arrow(svg: SVGSVGElement, x1: number, y1: number, x2: number, y2: number): void {
  el('path', { d: `M${x1},${y1} L${x2},${y2}`, class: 'flow-arrow', 'marker-end': 'url(#flow-head)' }, svg);
}

/** Rows of the diagram: a box in the main column and, where something leaves the flow, a side box. */
export function flowRows(f: Flowchart): { main: Box; side?: Box }[] {
  const reasons = Object.entries(f.excluded_by_reason)
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `  ${exclusionLabel(code)}: ${n}`);
  const leftOut = [`Excluded by protocol: ${f.excluded}`, ...reasons];
  if (f.not_finished) leftOut.push(`Not finished (queued or failed): ${f.not_finished}`);
  const unreviewed = f.first_studies_flagged - f.reviewed;
  return [
    { main: { lines: [`CT series collected: ${f.collected}`] }, side: { lines: leftOut, kind: 'side' } },
    { main: { lines: [`Analysed: ${f.analysed}`] }, side: { lines: [`Negative: ${f.negative}`], kind: 'side' } },
    {
      main: { lines: [`Flagged positive: ${f.flagged}`] },
      side: { lines: [`Repeats of the same patient: ${f.repeats_removed}`], kind: 'side' },
    },
    {
      main: { lines: [`First studies flagged: ${f.first_studies_flagged}`] },
      side: unreviewed > 0 ? { lines: [`Review not closed: ${unreviewed}`], kind: 'side' } : undefined,
    },
    { main: { lines: [`Reviewed: ${f.reviewed}`] } },
  ];
}

export function drawFlowchart(container: HTMLElement, f: Flowchart): void {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', 'flow-title');
  const title = el('title', { id: 'flow-title' }, svg);
  title.textContent =
    `Study flowchart: ${f.collected} CT series collected, ${f.excluded} excluded by protocol, ` +
    `${f.analysed} analysed, ${f.flagged} flagged positive, ${f.repeats_removed} repeats removed, ` +
    `${f.reviewed} reviewed: ${f.true_positive} true positive, ${f.false_positive} false positive.`;
  const defs = el('defs', {}, svg);
  const marker = el(
    'marker',
    { id: 'flow-head', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
    defs,
  );
  el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#5b6475' }, marker);

  let y = 6;
  let previousBottom: number | null = null;
  const centre = MAIN_X + MAIN_W / 2;
  for (const row of flowRows(f)) {
    if (previousBottom !== null) arrow(svg, centre, previousBottom, centre, y - 1);
    const h = drawBox(svg, row.main, MAIN_X, y, MAIN_W);
    let rowHeight = h;
    if (row.side) {
      const sideH = drawBox(svg, row.side, SIDE_X, y, SIDE_W);
      arrow(svg, MAIN_X + MAIN_W, y + h / 2, SIDE_X - 1, y + h / 2);
      rowHeight = Math.max(h, sideH);
    }
    previousBottom = y + h;
    y += rowHeight + GAP;
  }
  // The reviewed cases split into true and false positives.
  const half = (SIDE_X + SIDE_W - MAIN_X - 20) / 2;
  const tpX = MAIN_X;
  const fpX = MAIN_X + half + 20;
  const from = previousBottom ?? 0;
  arrow(svg, centre, from, tpX + half / 2, y - 1);
  arrow(svg, centre, from, fpX + half / 2, y - 1);
  const h = drawBox(svg, { lines: [`True positive: ${f.true_positive}`], kind: 'tp' }, tpX, y, half);
  drawBox(svg, { lines: [`False positive: ${f.false_positive}`], kind: 'fp' }, fpX, y, half);
  const height = y + h + 6;
  svg.setAttribute('viewBox', `0 0 ${SIDE_X + SIDE_W + 10} ${height}`);
  container.appendChild(svg);
}
