import { BOUNDS, FOLDED, INK, RANGE, SHARED, STATUS } from './palette';
import { el, text, textWidth } from './svg';

const ROW = 22;

interface Key {
  readonly swatch: string;
  readonly label: string;
}

/**
 * The keys of the tree picture: every status colour, the shared border, folded rows, the ranges on the
 * axis (with the arrow of a floor or ceiling beyond its ends, when there is one) and the span bar.
 */
function keys(rangeLabel: string, bounds: boolean, offScale: boolean): Key[] {
  const box = (fill: string, stroke: string, dash?: string, width = 1.4): string =>
    el('rect', { width: 22, height: 14, rx: 3, fill, stroke, 'stroke-width': width, 'stroke-dasharray': dash });
  return [
    ...Object.values(STATUS).map((s) => ({ swatch: box(s.fill, s.stroke, s.dash), label: s.label })),
    { swatch: box('#ffffff', SHARED.stroke, undefined, SHARED.width), label: SHARED.label },
    { swatch: box(FOLDED.fill, FOLDED.stroke), label: FOLDED.label },
    ...(bounds
      ? [
          {
            swatch: el('rect', { y: 3, width: 22, height: 8, fill: BOUNDS.fill, 'fill-opacity': 0.6 }),
            label: BOUNDS.label,
          },
        ]
      : []),
    ...(offScale
      ? [
          {
            swatch: el('path', { d: 'M20,7 L11,1 L11,13 Z', fill: BOUNDS.fill }),
            label: 'floor or ceiling beyond the axis',
          },
        ]
      : []),
    { swatch: el('rect', { y: 3, width: 22, height: 8, fill: RANGE.fill }), label: `${rangeLabel} range` },
    { swatch: strip(), label: 'strip in a box: the span its table maps' },
  ];
}

/** A box's span strip in small: the track, the floor/ceiling half above, the range half below. */
function strip(): string {
  return [
    el('rect', { y: 4, width: 22, height: 6, fill: INK.track }),
    el('rect', { x: 4, y: 4, width: 18, height: 3, fill: BOUNDS.fill }),
    el('rect', { x: 10, y: 7, width: 5, height: 3, fill: RANGE.fill }),
  ].join('');
}

/** The legend, wrapped to the width: its SVG and its height. */
export function legend(
  rangeLabel: string,
  bounds: boolean,
  offScale: boolean,
  x: number,
  y: number,
  w: number,
): { svg: string; height: number } {
  const out: string[] = [text(x, y + 11, 'Legend', { 'font-weight': 'bold', 'font-size': 12, fill: INK.text })];
  let cx = x + 56;
  let cy = y;
  for (const k of keys(rangeLabel, bounds, offScale)) {
    const width = 30 + textWidth(k.label, 11.5) + 22;
    if (cx + width > x + w) {
      cx = x + 56;
      cy += ROW;
    }
    out.push(
      el(
        'g',
        { transform: `translate(${Math.round(cx)},${cy})` },
        k.swatch,
        text(30, 11.5, k.label, { 'font-size': 11.5 }),
      ),
    );
    cx += width;
  }
  return { svg: el('g', {}, ...out), height: cy - y + ROW };
}
