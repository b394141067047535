import type { Kva } from '../arch/address';
import { DescType, descAddr, descType, isTable } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import type { TableView } from './table-view';

/** A table page reachable from the PGD, with the first address it maps. */
export interface TableNode {
  readonly pfn: number;
  readonly level: Level;
  readonly va: Kva;
}

/** Every table page reachable from swapper_pg_dir, parents before children (the PGD first). */
export function reachableTables(pt: TableView, accessor = 'walker'): TableNode[] {
  const out: TableNode[] = [];
  const visit = (pfn: number, depth: number, va: Kva): void => {
    const level = pt.geo.levels[depth] as Level;
    out.push({ pfn, level, va });
    if (level.name === 'PTE') return;
    const children = childTables(pt, pfn, level, accessor);
    for (let c = 0; c < children.length; c += 2) {
      visit(children[c + 1] as number, depth + 1, va + (children[c] as number) * level.entrySize);
    }
  };
  visit(pt.pgd, 0, 0);
  return out;
}

/** Child tables of contents no one writes any more (shared by clones), kept while the contents live. */
const FROZEN_CHILDREN = new WeakMap<Uint32Array, number[]>();

/**
 * The table entries of a table page above the PTE level (p*d_table: bits[1:0] = 11), as pairs of
 * entry index and child page frame: scanned once for contents clones share, every time otherwise.
 */
function childTables(pt: TableView, pfn: number, level: Level, accessor: string): number[] {
  const words = pt.words(pfn, accessor);
  const frozen = pt.frozenWords?.(pfn);
  const known = frozen && FROZEN_CHILDREN.get(frozen);
  if (known) return known;
  const children: number[] = [];
  for (let i = 0; i < level.entries; i++) {
    const lo = words[2 * i] ?? 0;
    if (isTable(lo)) children.push(i, descAddr(lo, words[2 * i + 1] ?? 0, pt.geo.pageShift) / pt.geo.pageSize);
  }
  if (frozen) FROZEN_CHILDREN.set(frozen, children);
  return children;
}

/** Table pages below the PGD whose span reaches into both of two address ranges [start, end). */
export function tablesReachingBoth(pt: TableView, a: readonly [Kva, Kva], b: readonly [Kva, Kva]): TableNode[] {
  const reaches = (n: TableNode, [start, end]: readonly [Kva, Kva]): boolean =>
    n.va < end && start < n.va + n.level.tableSpan;
  return reachableTables(pt).filter((n) => n.level.depth > 0 && reaches(n, a) && reaches(n, b));
}

/** Whether every entry of a table page is none (the scan of free_empty_tables). */
export function tableIsEmpty(pt: TableView, pfn: number, entries: number, accessor: string): boolean {
  const words = pt.words(pfn, accessor);
  for (let i = 0; i < 2 * entries; i++) if (words[i] !== 0) return false;
  return true;
}

/**
 * The first address of every leaf reachable from a table page at `depth` that maps from `va`, in
 * address order: every entry that is neither none nor a table counts as a leaf.
 */
export function* leavesBelow(pt: TableView, pfn: number, depth: number, va: Kva, accessor: string): Generator<Kva> {
  const level = pt.geo.levels[depth] as Level;
  const words = pt.words(pfn, accessor);
  for (let i = 0; i < level.entries; i++) {
    const lo = words[2 * i] ?? 0;
    const hi = words[2 * i + 1] ?? 0;
    if ((lo | hi) === 0) continue;
    const at = va + i * level.entrySize;
    if (descType(level, lo) !== DescType.Table) yield at;
    else yield* leavesBelow(pt, descAddr(lo, hi, pt.geo.pageShift) / pt.geo.pageSize, depth + 1, at, accessor);
  }
}
