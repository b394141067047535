import type { PictureTable } from './tree-tables';

/**
 * One box of the tree: a single table page, a run of identical siblings ("×512 PTE tables, freed"),
 * or — when a row would hold too many boxes — every child of a box as one mixed group with counts.
 */
export interface Item {
  readonly kind: 'single' | 'run' | 'mixed';
  readonly tables: readonly PictureTable[];
  readonly depth: number;
  readonly children: Item[];
  /** Left edge of the space the item and its subtree take, and that space's width. */
  x: number;
  width: number;
}

/** Runs this long or longer become one box. */
const RUN = 3;
/** More boxes than this under one parent become one mixed group. */
const MAX_CHILDREN = 6;

export interface TreeGeometry {
  readonly box: number;
  readonly gap: number;
}

/** The items of a picture's tables: the top-level table and, below each item, its children grouped. */
export function layoutTree(tables: readonly PictureTable[], g: TreeGeometry): Item | undefined {
  const byDepth: PictureTable[][] = [];
  for (const t of tables) {
    const row = byDepth[t.level.depth] ?? [];
    row.push(t);
    byDepth[t.level.depth] = row;
  }
  const top = byDepth[0];
  if (!top) return undefined;
  const root = item('single', top, 0);
  grow(root, byDepth);
  measure(root, g);
  place(root, 0, g);
  return root;
}

function item(kind: Item['kind'], tables: readonly PictureTable[], depth: number): Item {
  return { kind, tables, depth, children: [], x: 0, width: 0 };
}

/** Two siblings are one run when the picture would say the same about them. */
const signature = (t: PictureTable): string => `${t.status}|${t.reason ?? ''}|${t.shared}|${t.name}`;

function grow(parent: Item, byDepth: readonly PictureTable[][]): void {
  const below = childrenOf(parent, byDepth[parent.depth + 1] ?? []);
  if (below.length === 0) return;
  const runs: PictureTable[][] = [];
  let previous = '';
  for (const t of below) {
    const sig = signature(t);
    const last = runs.at(-1);
    if (last && sig === previous) last.push(t);
    else runs.push([t]);
    previous = sig;
  }
  const items = runs.flatMap((r) =>
    r.length >= RUN ? [item('run', r, parent.depth + 1)] : r.map((t) => item('single', [t], parent.depth + 1)),
  );
  parent.children.push(...(items.length > MAX_CHILDREN ? [item('mixed', below, parent.depth + 1)] : items));
  for (const child of parent.children) grow(child, byDepth);
}

/** The tables that hung below the item's: inside one's span, and both there before (a freed one) or both after. */
function childrenOf(parent: Item, candidates: readonly PictureTable[]): PictureTable[] {
  const span = (parent.tables[0] as PictureTable).level.tableSpan;
  const at = new Map<number, PictureTable[]>();
  for (const p of parent.tables) at.set(p.va, [...(at.get(p.va) ?? []), p]);
  const fits = (p: PictureTable, c: PictureTable): boolean =>
    p.status !== (c.status === 'freed' ? 'allocated' : 'freed');
  return candidates.filter((c) => at.get(Math.floor(c.va / span) * span)?.some((p) => fits(p, c)));
}

function measure(it: Item, g: TreeGeometry): number {
  const kids = it.children.reduce((sum, c) => sum + measure(c, g), 0) + g.gap * Math.max(0, it.children.length - 1);
  it.width = Math.max(g.box, kids);
  return it.width;
}

function place(it: Item, x: number, g: TreeGeometry): void {
  it.x = x;
  const kids = it.children.reduce((sum, c) => sum + c.width, 0) + g.gap * Math.max(0, it.children.length - 1);
  let at = x + (it.width - kids) / 2;
  for (const c of it.children) {
    place(c, at, g);
    at += c.width + g.gap;
  }
}

/** Every item, parents before children. */
export function items(root: Item): Item[] {
  return [root, ...root.children.flatMap(items)];
}
