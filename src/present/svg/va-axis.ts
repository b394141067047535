import { hex64, type Kva, kvaHex } from '../../arch/address';
import type { Geometry } from '../../arch/geometry';
import { formatSize } from '../../arch/size';
import { BOUNDS, INK, RANGE } from './palette';
import { el, MONO, text, textWidth } from './svg';
import type { Spans } from './tree-box';

export const AXIS_HEIGHT = 104;

/** floor and ceiling as pass 2 received them (unsigned 64-bit; a ceiling of 0 is the top). */
export interface Bounds {
  readonly floor: bigint;
  readonly ceiling: bigint;
}

/** floor and ceiling as model addresses, clamped to the kernel half the picture can show. */
export function boundsKva(geo: Geometry, b: Bounds): { floor: Kva; ceiling: Kva } {
  const base = (1n << 64n) - (1n << BigInt(geo.vaBits));
  const top = 2 ** geo.vaBits;
  const at = (v: bigint): Kva => (v <= base ? 0 : Number(v - base));
  return { floor: at(b.floor), ceiling: b.ceiling === 0n ? top : at(b.ceiling) };
}

/**
 * A VA axis under the tree: [floor, ceiling) as a green span, the range as a red one (never thinner
 * than a few pixels, however small against the window), each labelled with its addresses.
 */
export function vaAxis(
  geo: Geometry,
  s: Spans,
  label: string,
  bounds: Bounds | undefined,
  x: number,
  y: number,
  w: number,
): string {
  const [lo, hi] = shownWindow(geo, s);
  const px = (v: Kva): number => x + ((v - lo) / (hi - lo)) * w;
  const out = [
    el('line', { x1: x, y1: y + 62, x2: x + w, y2: y + 62, stroke: INK.line, 'stroke-width': 1 }),
    text(x, y + 76, kvaHex(geo, lo), { 'font-family': MONO, 'font-size': 10, fill: INK.muted }),
    text(x + w, y + 76, `${kvaHex(geo, hi)}${hi === 2 ** geo.vaBits ? ' (top)' : ''}`, {
      'font-family': MONO,
      'font-size': 10,
      fill: INK.muted,
      'text-anchor': 'end',
    }),
  ];
  if (bounds && s.floor !== undefined && s.ceiling !== undefined)
    out.push(...boundsSpan(bounds, px(s.floor), px(s.ceiling), x, y, w));
  const r0 = px(s.start);
  const rw = Math.max(4, px(s.end) - r0);
  const caption = `${label} [${kvaHex(geo, s.start)}, ${kvaHex(geo, s.end)}) · ${formatSize(s.end - s.start)}`;
  out.push(
    el('rect', { x: Math.min(r0, x + w - rw), y: y + 44, width: rw, height: 12, fill: RANGE.fill }),
    text(clamp(r0, x, x + w - textWidth(caption, 11, 'mono')), y + 94, caption, {
      'font-family': MONO,
      'font-size': 11,
      fill: RANGE.fill,
    }),
  );
  return el('g', {}, ...out);
}

/** The window the axis shows: the range and floor/ceiling, or the range with a margin when there are none. */
function shownWindow(geo: Geometry, s: Spans): [Kva, Kva] {
  if (s.floor !== undefined && s.ceiling !== undefined) return [Math.min(s.start, s.floor), Math.max(s.end, s.ceiling)];
  const pad = Math.max((s.end - s.start) / 4, geo.pageSize);
  return [Math.max(0, s.start - pad), Math.min(2 ** geo.vaBits, s.end + pad)];
}

function boundsSpan(b: Bounds, f: number, c: number, x: number, y: number, w: number): string[] {
  const floor = `floor ${hex64(b.floor)}`;
  const ceiling = `ceiling ${hex64(b.ceiling)}${b.ceiling === 0n ? ' (top)' : ''}`;
  const fx = clamp(f, x, x + w - textWidth(floor, 11, 'mono'));
  const cx = clamp(c, x + textWidth(ceiling, 11, 'mono'), x + w);
  const apart = fx + textWidth(floor, 11, 'mono') + 12 < cx - textWidth(ceiling, 11, 'mono');
  return [
    el('rect', {
      x: f,
      y: y + 30,
      width: Math.max(4, c - f),
      height: 10,
      fill: BOUNDS.fill,
      'fill-opacity': 0.35,
      stroke: BOUNDS.fill,
    }),
    text(fx, y + 26, floor, { 'font-family': MONO, 'font-size': 11, fill: BOUNDS.fill }),
    text(cx, apart ? y + 26 : y + 12, ceiling, {
      'font-family': MONO,
      'font-size': 11,
      fill: BOUNDS.fill,
      'text-anchor': 'end',
    }),
  ];
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(v, hi));
