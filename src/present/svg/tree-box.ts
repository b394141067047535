import { type Kva, physHex } from '../../arch/address';
import type { Geometry } from '../../arch/geometry';
import { BOUNDS, INK, RANGE, SHARED, STATUS } from './palette';
import { charsIn, el, escapeXml, MONO, text, wrap } from './svg';
import type { Item } from './tree-layout';
import type { PictureTable, TableStatus } from './tree-tables';

export const BOX = { w: 250, h: 90 };

/** The VA spans every box's bar is drawn against, as model addresses. */
export interface Spans {
  readonly start: Kva;
  readonly end: Kva;
  /** floor and ceiling clamped to the kernel half; absent when the change had none. */
  readonly floor?: Kva;
  readonly ceiling?: Kva;
}

/**
 * One item as a box at (x, y): what it is, its entries in range, what became of it, its span bar; its
 * page(s) only in the tooltip, with the rest, for a reader who hovers or opens the picture on its own.
 */
export function drawItem(geo: Geometry, it: Item, x: number, y: number, spans: Spans): string {
  const main = it.tables[0] as PictureTable;
  const status = it.kind === 'mixed' ? majority(it.tables) : main.status;
  const swatch = STATUS[status];
  const shared = it.tables.some((t) => t.shared);
  const d = describe(geo, it);
  const notes = wrap(d.fate, charsIn(BOX.w - 16, 11.5)).slice(0, 2);
  return el(
    'g',
    {},
    el('title', {}, escapeXml([d.title, d.entries, d.pages, d.fate].join('\n'))),
    el('rect', {
      x,
      y,
      width: BOX.w,
      height: BOX.h,
      rx: 6,
      fill: swatch.fill,
      stroke: shared ? SHARED.stroke : swatch.stroke,
      'stroke-width': shared ? SHARED.width : 1.4,
      'stroke-dasharray': shared ? undefined : swatch.dash,
    }),
    text(x + 8, y + 18, d.title, { 'font-weight': 'bold', 'font-size': 13, fill: INK.text }),
    shared
      ? text(x + BOX.w - 8, y + 18, '⇄ vmalloc', { 'text-anchor': 'end', 'font-size': 11, fill: SHARED.stroke })
      : '',
    text(x + 8, y + 35, d.entries, { 'font-family': MONO, 'font-size': 11 }),
    ...notes.map((l, i) =>
      text(x + 8, y + 52 + 14 * i, l, { 'font-size': 11.5, 'font-style': 'italic', fill: INK.text }),
    ),
    spanBar(it.tables, x + 8, y + BOX.h - 13, BOX.w - 16, spans),
  );
}

interface Description {
  readonly title: string;
  readonly entries: string;
  readonly pages: string;
  readonly fate: string;
}

/** Title, entries in range, page(s), and what became of it. */
function describe(geo: Geometry, it: Item): Description {
  const t = it.tables[0] as PictureTable;
  const of = `of ${t.level.entries}`;
  if (it.kind === 'single')
    return {
      title: t.name,
      entries: `${entries(t.first, t.last)} ${of}`,
      pages: `page ${physHex(t.pfn * geo.pageSize)}`,
      fate: fate(t),
    };
  const z = it.tables.at(-1) as PictureTable;
  const same = it.tables.every((u) => u.first === t.first && u.last === t.last);
  const range = same ? `${entries(t.first, t.last)} ${of} each` : `entries ${t.first}–… ${z.last} ${of}`;
  const pfns = it.tables.map((u) => u.pfn);
  const pages = `pages ${short(
    geo,
    pfns.reduce((a, b) => Math.min(a, b)),
  )}–${short(
    geo,
    pfns.reduce((a, b) => Math.max(a, b)),
  )}`;
  if (it.kind === 'run')
    return { title: `×${it.tables.length} ${t.level.name} tables`, entries: range, pages, fate: withoutCount(fate(t)) };
  return { title: `${it.tables.length} ${t.level.name} tables`, entries: range, pages, fate: counts(it.tables) };
}

const entries = (first: number, last: number): string =>
  first === last ? `entry ${first}` : `entries ${first}–${last}`;

const short = (geo: Geometry, pfn: number): string => `0x${(pfn * geo.pageSize).toString(16)}`;

/** What became of a table: freed, allocated, or kept and why. */
function fate(t: PictureTable): string {
  if (t.status === 'freed') return 'freed';
  if (t.reason) return `kept: ${t.reason}`;
  if (t.status === 'allocated') return `allocated · ${t.live} live`;
  return t.live === 0 ? 'kept · every entry none' : `kept · ${t.live} live`;
}

/** A fate said of several tables at once: their live counts differ. */
const withoutCount = (fate: string): string => fate.replace(/ · \d+ live$/, '');

function counts(tables: readonly PictureTable[]): string {
  const by = new Map<string, number>();
  for (const t of tables) {
    const what = withoutCount(fate(t));
    by.set(what, (by.get(what) ?? 0) + 1);
  }
  return [...by].map(([what, n]) => `${n} ${what}`).join(', ');
}

function majority(tables: readonly PictureTable[]): TableStatus {
  const by = new Map<TableStatus, number>();
  for (const t of tables) by.set(t.status, (by.get(t.status) ?? 0) + 1);
  return [...by].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'live';
}

/** The span the tables map as a bar: green where it lies inside [floor, ceiling), red where the range is. */
function spanBar(tables: readonly PictureTable[], x: number, y: number, w: number, s: Spans): string {
  const lo = tables.reduce((m, t) => Math.min(m, t.va), Infinity);
  const hi = tables.reduce((m, t) => Math.max(m, t.va + t.level.tableSpan), -Infinity);
  const part = (a: Kva, b: Kva, dy: number, h: number, fill: string): string => {
    const from = Math.max(a, lo);
    const to = Math.min(b, hi);
    if (from >= to) return '';
    const px = x + ((from - lo) / (hi - lo)) * w;
    return el('rect', { x: px, y: y + dy, width: Math.max(2, ((to - from) / (hi - lo)) * w), height: h, fill });
  };
  return [
    el('rect', { x, y, width: w, height: 8, fill: INK.track }),
    s.floor !== undefined && s.ceiling !== undefined ? part(s.floor, s.ceiling, 0, 4, BOUNDS.fill) : '',
    part(s.start, s.end, 4, 4, RANGE.fill),
  ].join('');
}
