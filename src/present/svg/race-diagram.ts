import type { Exploration } from '../../concurrency/explorer';
import { renderCounts } from '../../concurrency/render';
import type { Step } from '../../tables/step';
import { INK, RANGE } from './palette';
import { charsIn, el, svgDocument, text, textWidth, wrap } from './svg';

const LANE = { w: 400, gap: 36, head: 34 };
const LEFT = 56;
const TOP = 78;
const LINE = 15;
const FONT = 12;

/** The kinds of step, coloured alike wherever they appear. */
const KINDS: readonly { label: string; ops: readonly Step['op'][]; fill: string; stroke: string }[] = [
  { label: 'reads', ops: ['read', 'walk'], fill: '#eaf0f8', stroke: '#6b8bb5' },
  { label: 'writes/clears an entry', ops: ['write', 'install', 'clear'], fill: '#fdebd0', stroke: '#c98a2b' },
  { label: 'allocates/frees a page', ops: ['allocate', 'free'], fill: '#f8d7d4', stroke: '#b8322a' },
  { label: 'invalidates TLB/walk cache', ops: ['invalidate'], fill: '#e4daf3', stroke: '#5e4690' },
  { label: 'locks', ops: ['lock', 'unlock'], fill: '#eeeeee', stroke: '#8a8a8a' },
];

const kindOf = (op: Step['op']): (typeof KINDS)[number] =>
  KINDS.find((k) => k.ops.includes(op)) ?? (KINDS[0] as (typeof KINDS)[number]);

interface Row {
  readonly step: Step;
  readonly lane: number;
  readonly lines: string[];
  readonly y: number;
  readonly h: number;
}

/**
 * A race counterexample as a sequence diagram: one lane per actor, the steps numbered top to bottom in
 * the order they ran, a dashed hand-over wherever the schedule switches actor, and the violation at the
 * end. An exploration without a counterexample draws its figures and "no violation". Given the numbers
 * of its essential steps, the diagram says which instead of the explorer's figures, draws them in bold
 * and fades the others.
 */
export function raceDiagram(e: Exploration, essential?: readonly number[]): string {
  const steps = e.counterexample?.steps ?? [];
  const actors = [
    ...new Set([...steps.map((s) => s.actor), ...(e.counterexample ? [e.counterexample.violation.actor] : [])]),
  ];
  const lanes = Math.max(2, actors.length);
  const width = LEFT + lanes * LANE.w + (lanes - 1) * LANE.gap + 24;
  const rows = layoutRows(steps, actors);
  const last = rows.at(-1);
  const end = verdict(e, width, last ? last.y + last.h + 14 : TOP - 8);
  const body = [
    text(16, 30, e.scenario, { 'font-size': 18, 'font-weight': 'bold', fill: INK.text }),
    text(16, 52, essential ? `essential steps in bold: ${essential.join(', ')}` : renderCounts(e), {
      'font-size': 12.5,
      fill: INK.muted,
    }),
    ...(last ? actors.map((a, i) => lifeline(a, laneX(i), last.y + last.h + 14)) : []),
    ...rows.flatMap((r, i) => {
      const emphasis = essential === undefined ? 'plain' : essential.includes(i + 1) ? 'bold' : 'faded';
      return drawRow(r, i, rows[i - 1], i === rows.length - 1, emphasis);
    }),
    end.svg,
    last ? legend(width, end.bottom + 18) : '',
  ];
  return svgDocument(width, end.bottom + (last ? 46 : 16), e.scenario, body);
}

const laneX = (lane: number): number => LEFT + lane * (LANE.w + LANE.gap);

function layoutRows(steps: readonly Step[], actors: readonly string[]): Row[] {
  const max = charsIn(LANE.w - 22, FONT);
  let y = TOP + LANE.head + 14;
  return steps.map((step) => {
    const said = step.text.startsWith(`${step.actor} `) ? step.text.slice(step.actor.length + 1) : step.text;
    const lines = wrap(said, max);
    const row = { step, lane: actors.indexOf(step.actor), lines, y, h: lines.length * LINE + 10 };
    y += row.h + 8;
    return row;
  });
}

function lifeline(actor: string, x: number, bottom: number): string {
  return el(
    'g',
    {},
    el('line', {
      x1: x + LANE.w / 2,
      y1: TOP + LANE.head,
      x2: x + LANE.w / 2,
      y2: bottom,
      stroke: INK.line,
      'stroke-dasharray': '4 4',
    }),
    el('rect', { x, y: TOP, width: LANE.w, height: LANE.head, rx: 6, fill: '#34495e' }),
    text(x + LANE.w / 2, TOP + 22, actor, {
      'font-size': 15,
      'font-weight': 'bold',
      fill: '#ffffff',
      'text-anchor': 'middle',
    }),
  );
}

/** One step in its lane, numbered; the step that violated is outlined in red; an essential step in bold, others faded. */
function drawRow(
  r: Row,
  i: number,
  previous: Row | undefined,
  violating: boolean,
  emphasis: 'plain' | 'bold' | 'faded',
): string[] {
  const faded = emphasis === 'faded';
  const kind = kindOf(r.step.op);
  const x = laneX(r.lane);
  const out = [
    text(LEFT - 12, r.y + 15, String(i + 1), {
      'font-size': 12,
      'font-weight': 'bold',
      fill: faded ? INK.line : INK.muted,
      'text-anchor': 'end',
    }),
    el('rect', {
      x,
      y: r.y,
      width: LANE.w,
      height: r.h,
      rx: 4,
      fill: kind.fill,
      stroke: violating ? RANGE.fill : kind.stroke,
      'stroke-width': violating ? 3 : emphasis === 'bold' ? 2 : 1,
      ...(faded ? { opacity: '0.45' } : {}),
    }),
    ...r.lines.map((l, j) =>
      text(x + 10, r.y + 16 + j * LINE, l, {
        'font-size': FONT,
        fill: faded ? INK.muted : INK.text,
        ...(emphasis === 'bold' ? { 'font-weight': 'bold' } : {}),
      }),
    ),
  ];
  if (previous && previous.lane !== r.lane) out.unshift(handOver(previous, r));
  return out;
}

/** The schedule switching actor: a dashed arrow from the last step of one lane to the next step of another. */
function handOver(from: Row, to: Row): string {
  const right = to.lane > from.lane;
  const x1 = laneX(from.lane) + (right ? LANE.w : 0);
  const x2 = laneX(to.lane) + (right ? 0 : LANE.w);
  const y1 = from.y + from.h / 2;
  const y2 = to.y + to.h / 2;
  const head = right ? -7 : 7;
  return el(
    'g',
    {},
    el('path', {
      d: `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`,
      fill: 'none',
      stroke: '#34495e',
      'stroke-width': 1.3,
      'stroke-dasharray': '5 3',
    }),
    el('path', { d: `M${x2},${y2} l${head},-4 l0,8 z`, fill: '#34495e' }),
  );
}

/** The violation the last step caused, across every lane; or the all-clear. */
function verdict(e: Exploration, width: number, y: number): { svg: string; bottom: number } {
  const v = e.counterexample?.violation;
  const message = v ? `⇒ ${v.kind}: ${v.detail}` : `no violation in ${e.schedules} schedules`;
  const lines = wrap(message, charsIn(width - 56 - LEFT, 13.5 * 1.12));
  const h = lines.length * 18 + 14;
  const colour = v ? RANGE.fill : '#3b7a3b';
  return {
    svg: el(
      'g',
      {},
      el('rect', {
        x: LEFT,
        y,
        width: width - LEFT - 24,
        height: h,
        rx: 6,
        fill: v ? '#fdecea' : '#e6f3e6',
        stroke: colour,
        'stroke-width': 2,
      }),
      ...lines.map((l, i) =>
        text(LEFT + 14, y + 22 + i * 18, l, { 'font-size': 13.5, 'font-weight': 'bold', fill: colour }),
      ),
    ),
    bottom: y + h,
  };
}

function legend(width: number, y: number): string {
  let x = LEFT;
  let row = y;
  const keys = KINDS.map((k) => {
    const w = 30 + textWidth(k.label, 11.5) + 24;
    if (x + w > width - 16) {
      x = LEFT;
      row += 22;
    }
    const key = el(
      'g',
      { transform: `translate(${Math.round(x)},${row})` },
      el('rect', { width: 22, height: 14, rx: 3, fill: k.fill, stroke: k.stroke }),
      text(30, 11.5, k.label, { 'font-size': 11.5 }),
    );
    x += w;
    return key;
  });
  return el('g', {}, ...keys);
}
