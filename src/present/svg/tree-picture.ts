import type { Kva } from '../../arch/address';
import type { Geometry } from '../../arch/geometry';
import { formatSize } from '../../arch/size';
import type { TableDecision } from '../../hotplug/teardown';
import type { Kernel } from '../../mappings/kernel';
import { legend } from './legend';
import { FOLDED, INK, RANGE } from './palette';
import { el, svgDocument, text, textWidth } from './svg';
import { BOX, drawItem, type Spans } from './tree-box';
import { type Item, items, layoutTree } from './tree-layout';
import { type Before, type PictureTable, pictureTables, type TableStatus } from './tree-tables';
import { AXIS_HEIGHT, type Bounds, boundsKva, boundsOffScale, vaAxis } from './va-axis';

export interface TreePictureOptions {
  readonly title: string;
  /** The range the change worked on: the tree shows every table whose span meets it. */
  readonly start: Kva;
  readonly end: Kva;
  /** What the range is to the change: removed (default), added, changed. */
  readonly rangeLabel?: string;
  /** floor and ceiling of free_empty_tables, when the change ran it. */
  readonly bounds?: Bounds;
  /** What free_empty_tables decided for each table it visited: the reason on every table kept. */
  readonly decisions?: readonly TableDecision[];
}

const TOP = 82;
const LEFT = 128;
const GAP = { x: 18, y: 42 };
const FOLD_H = 18;
const MIN_WIDTH = 720;

/**
 * The page-table tree around a VA range after a change, with what the change did to each table:
 * levels as rows (PGD on top, folded levels as thin rows), table pages as boxes with the entries that
 * lie in the range and their page, runs of identical siblings as one box, the reason on every table
 * kept, and the range with floor/ceiling on a VA axis.
 */
export function treePicture(before: Before | undefined, after: Kernel, options: TreePictureOptions): string {
  const geo = after.geo;
  const tables = pictureTables(before, after, options);
  const root = layoutTree(tables, { box: BOX.w, gap: GAP.x });
  const width = pictureWidth(geo, options.title, tables, root);
  const rowY = (depth: number): number => TOP + depth * (BOX.h + GAP.y) + (depth > 0 ? geo.folded.length * FOLD_H : 0);
  const axisY = rowY(geo.levels.length - 1) + BOX.h + 34;
  const label = options.rangeLabel ?? 'removed';
  const spans = spansOf(geo, options);
  const key = legend(
    label,
    options.bounds !== undefined,
    boundsOffScale(geo, spans),
    16,
    axisY + AXIS_HEIGHT + 8,
    width - 32,
  );
  const body = [
    text(16, 30, options.title, { 'font-size': 18, 'font-weight': 'bold', fill: INK.text }),
    text(16, 52, subtitle(geo), { 'font-size': 12.5, fill: INK.muted }),
    text(16, 70, summary(geo, tables), { 'font-size': 12.5, fill: INK.text }),
    ...levelLabels(geo, rowY),
    ...foldedRows(geo, TOP + BOX.h + GAP.y / 2, width),
    ...(root ? tree(geo, root, rowY, spans, LEFT + (width - 24 - LEFT - root.width) / 2) : []),
    ...emptyRows(geo, tables, rowY, width),
    text(16, axisY + 54, 'VA', { 'font-size': 15, 'font-weight': 'bold', fill: INK.text }),
    vaAxis(geo, spans, label, options.bounds, LEFT, axisY, width - LEFT - 24),
    key.svg,
  ];
  return svgDocument(width, axisY + AXIS_HEIGHT + 8 + key.height + 12, options.title, body);
}

/** Wide enough for the tree, the heading lines (the bold title about a tenth wider a glyph) and the axis. */
function pictureWidth(geo: Geometry, title: string, tables: readonly PictureTable[], root: Item | undefined): number {
  const heading = Math.max(
    textWidth(title, 18 * 1.1),
    textWidth(subtitle(geo), 12.5),
    textWidth(summary(geo, tables), 12.5),
  );
  return Math.max(MIN_WIDTH, LEFT + (root?.width ?? 0) + 24, 16 + heading + 16);
}

function spansOf(geo: Geometry, o: TreePictureOptions): Spans {
  return { start: o.start, end: o.end, ...(o.bounds ? boundsKva(geo, o.bounds) : {}) };
}

function subtitle(geo: Geometry): string {
  return `${geo.name}: ${geo.granule}K pages, ${geo.vaBits}-bit VA, ${geo.levelCount} levels · the tables whose span meets the range, after the change`;
}

const VERBS: Readonly<Record<TableStatus, string>> = {
  freed: 'freed',
  allocated: 'allocated',
  live: 'kept',
  empty: 'kept',
  static: 'kept',
  reserved: 'kept',
};

/** "freed 1 PMD + 512 PTE · kept 1 PGD + 1 PUD": what the change did to the tables shown, by level. */
function summary(geo: Geometry, tables: readonly PictureTable[]): string {
  const parts = ['freed', 'allocated', 'kept'].map((verb) => {
    const mine = tables.filter((t) => VERBS[t.status] === verb);
    const byLevel = geo.levels
      .map((l) => [mine.filter((t) => t.level === l).length, l.name] as const)
      .filter(([n]) => n > 0)
      .map(([n, name]) => `${n} ${name}`);
    return `${verb} ${byLevel.length ? byLevel.join(' + ') : 'none'}`;
  });
  return parts.join(' · ');
}

function levelLabels(geo: Geometry, rowY: (d: number) => number): string[] {
  return geo.levels.map((l, d) =>
    el(
      'g',
      {},
      text(16, rowY(d) + 34, l.name, { 'font-size': 16, 'font-weight': 'bold', fill: INK.text }),
      text(16, rowY(d) + 54, `entry ${formatSize(l.entrySize)}`, { 'font-size': 11.5, fill: INK.muted }),
      text(16, rowY(d) + 70, `table ${formatSize(l.tableSpan)}`, { 'font-size': 11.5, fill: INK.muted }),
    ),
  );
}

/** One thin row per folded level, between the PGD and the first real level below it. */
function foldedRows(geo: Geometry, y: number, width: number): string[] {
  return geo.folded.map((name, i) =>
    el(
      'g',
      {},
      el('rect', {
        x: 16,
        y: y + i * FOLD_H,
        width: width - 32,
        height: FOLD_H - 4,
        fill: FOLDED.fill,
        stroke: FOLDED.stroke,
        rx: 3,
      }),
      text(24, y + i * FOLD_H + 10.5, `${name} folded into PGD (no table of its own)`, {
        'font-size': 10.5,
        'font-style': 'italic',
        fill: INK.muted,
      }),
    ),
  );
}

/** A note on each level where no table meets the range (blocks map it, or nothing does). */
function emptyRows(
  geo: Geometry,
  tables: readonly PictureTable[],
  rowY: (d: number) => number,
  width: number,
): string[] {
  return geo.levels
    .filter((l) => !tables.some((t) => t.level === l))
    .map((l) =>
      text((LEFT + width) / 2, rowY(l.depth) + BOX.h / 2, `no ${l.name} table meets the range`, {
        'font-size': 12.5,
        'font-style': 'italic',
        fill: INK.muted,
        'text-anchor': 'middle',
      }),
    );
}

function tree(geo: Geometry, root: Item, rowY: (d: number) => number, spans: Spans, left: number): string[] {
  const all = items(root);
  const boxX = (it: Item): number => left + it.x + (it.width - BOX.w) / 2;
  const links = all.flatMap((p) =>
    p.children.map((c) => {
      const [x1, y1, x2, y2] = [boxX(p) + BOX.w / 2, rowY(p.depth) + BOX.h, boxX(c) + BOX.w / 2, rowY(c.depth)];
      const mid = (y1 + y2) / 2;
      const gone = c.kind !== 'mixed' && c.tables[0]?.status === 'freed';
      return el('path', {
        d: `M${x1.toFixed(1)},${y1} C${x1.toFixed(1)},${mid} ${x2.toFixed(1)},${mid} ${x2.toFixed(1)},${y2}`,
        fill: 'none',
        stroke: gone ? RANGE.fill : INK.line,
        'stroke-width': 1.4,
        'stroke-dasharray': gone ? '5 3' : undefined,
      });
    }),
  );
  return [...links, ...all.map((it) => drawItem(geo, it, boxX(it), rowY(it.depth), spans))];
}
