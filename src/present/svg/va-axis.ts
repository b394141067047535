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
 * The window the axis scales to: the range with a margin of at least a page on either side, the
 * largest power of two not above an eighth of the range, so the range takes at least four fifths of it.
 */
export function zoomWindow(geo: Geometry, start: Kva, end: Kva): [Kva, Kva] {
  const pad = Math.max(geo.pageSize, 2 ** Math.floor(Math.log2(Math.max(1, (end - start) / 8))));
  return [Math.max(0, start - pad), Math.min(2 ** geo.vaBits, end + pad)];
}

/**
 * A VA axis under the tree, scaled to the range (red, never thinner than a few pixels) with its
 * addresses, and [floor, ceiling) as a green span above it: a floor or ceiling beyond either end of
 * the axis is drawn as an arrow at that end with its address, as context rather than to scale.
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
  const [lo, hi] = zoomWindow(geo, s.start, s.end);
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
  if (bounds && s.floor !== undefined && s.ceiling !== undefined) {
    const at = (v: Kva): Mark => ({ x: Math.max(x, Math.min(px(v), x + w)), off: v < lo ? -1 : v > hi ? 1 : 0 });
    out.push(...boundsSpan(bounds, at(s.floor), at(s.ceiling), x, y, w));
  }
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

/** Whether the axis draws the floor or the ceiling beyond one of its ends, as an arrow. */
export function boundsOffScale(geo: Geometry, s: Spans): boolean {
  const [lo, hi] = zoomWindow(geo, s.start, s.end);
  return s.floor !== undefined && s.ceiling !== undefined && (s.floor < lo || s.ceiling > hi);
}

/** Where a bound is drawn on the axis, and whether it lies below (-1) or above (1) the axis's ends. */
interface Mark {
  readonly x: number;
  readonly off: -1 | 0 | 1;
}

/** The green span between the marks, an arrow at an end where a bound lies beyond it, each bound's address. */
function boundsSpan(b: Bounds, f: Mark, c: Mark, x: number, y: number, w: number): string[] {
  const floor = boundLabel('floor', b.floor, f.off);
  const ceiling = boundLabel('ceiling', b.ceiling, c.off);
  const fw = textWidth(floor, 11, 'mono');
  const cw = textWidth(ceiling, 11, 'mono');
  const fx = clamp(f.x, x, x + w - fw);
  const cx = clamp(c.x, x + cw, x + w);
  const apart = fx + fw + 12 < cx - cw;
  const style = { 'font-family': MONO, 'font-size': 11, fill: BOUNDS.fill };
  return [
    c.x > f.x
      ? el('rect', {
          x: f.x,
          y: y + 30,
          width: c.x - f.x,
          height: 10,
          fill: BOUNDS.fill,
          'fill-opacity': 0.35,
          stroke: BOUNDS.fill,
        })
      : '',
    edge(f, y),
    edge(c, y),
    text(fx, y + 26, floor, style),
    text(cx, apart ? y + 26 : y + 12, ceiling, { ...style, 'text-anchor': 'end' }),
  ];
}

/** "← floor 0x…" when it lies below the axis, "ceiling 0x… →" above it; a ceiling of 0 is the top. */
function boundLabel(name: string, v: bigint, off: Mark['off']): string {
  const top = name === 'ceiling' && v === 0n ? ' (top)' : '';
  return `${off < 0 ? '← ' : ''}${name} ${hex64(v)}${top}${off > 0 ? ' →' : ''}`;
}

/** A bound on the scale as a tick; one beyond an end as an arrowhead pointing out of the axis. */
function edge(m: Mark, y: number): string {
  if (m.off === 0)
    return el('line', { x1: m.x, y1: y + 28, x2: m.x, y2: y + 62, stroke: BOUNDS.fill, 'stroke-width': 2 });
  const tip = m.x + 9 * m.off;
  return el('path', { d: `M${tip},${y + 35} L${m.x},${y + 29} L${m.x},${y + 41} Z`, fill: BOUNDS.fill });
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(v, hi));
