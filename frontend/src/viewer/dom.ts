// Tiny DOM helpers.

type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    // Through the CSSOM, not a style attribute: allowed by a strict CSP.
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', String(v));
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** Collects listeners so tear-down removes every one of them. */
export class Listeners {
  private offs: (() => void)[] = [];

  on<E extends Event = Event>(
    target: EventTarget,
    type: string,
    fn: (ev: E) => void,
    opts?: AddEventListenerOptions | boolean,
  ): void {
    const handler = fn as EventListener;
    target.addEventListener(type, handler, opts);
    this.offs.push(() => target.removeEventListener(type, handler, opts));
  }

  add(off: () => void): void {
    this.offs.push(off);
  }

  clear(): void {
    const offs = this.offs;
    this.offs = [];
    for (const off of offs.reverse()) {
      try {
        off();
      } catch {
        /* tear-down keeps going */
      }
    }
  }
}
