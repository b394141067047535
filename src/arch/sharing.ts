import type { Kva } from './address';
import type { LevelName } from './geometry';
import type { Layout } from './layout';

/** A table page that two addresses both walk through: its level and the span of VAs it maps. */
export interface SharedTable {
  /** The level of the entries the table page holds (a `PUD` table holds PUD entries). */
  readonly level: LevelName;
  readonly start: Kva;
  /** Bytes the table page maps. */
  readonly span: number;
  /** The entry of this table that the lower address uses (VMALLOC_END − 1 against vmemmap). */
  readonly lowIndex: number;
  /** The entry of this table that the higher address uses (VMEMMAP_START against vmalloc). */
  readonly highIndex: number;
}

/** Where vmalloc's last byte and VMEMMAP_START sit in the top-level table, and what they share below it. */
export interface TopEntrySharing {
  /** PGD index of VMALLOC_END − 1. */
  readonly vmallocEntry: number;
  /** PGD index of VMEMMAP_START. */
  readonly vmemmapEntry: number;
  /** Both in one PGD entry (the condition V7 of the hot-remove series tested at boot). */
  readonly shared: boolean;
  /** Table pages below the PGD that both walks pass through, top first; empty when not shared. */
  readonly tables: readonly SharedTable[];
}

/**
 * Whether the end of vmalloc and the start of vmemmap hang off the same PGD entry, and which table
 * pages the two regions would then have in common — the sharing that made table freeing race with
 * vmalloc's lockless walk.
 */
export function sharedTopEntry(lay: Layout): TopEntrySharing {
  const a = lay.vmallocEnd - 1;
  const b = lay.vmemmapStart;
  const vmallocEntry = pgdIndex(lay, a);
  const vmemmapEntry = pgdIndex(lay, b);
  return { vmallocEntry, vmemmapEntry, shared: vmallocEntry === vmemmapEntry, tables: tablesInCommon(lay, a, b) };
}

const indexAt = (lay: Layout, kva: Kva, depth: number): number =>
  Math.floor(kva / (lay.geo.levels[depth]?.entrySize ?? 1));

/** The index of the PGD entry that maps an address. */
export function pgdIndex(lay: Layout, kva: Kva): number {
  return indexAt(lay, kva, 0);
}

/** Table pages below the PGD that the walks of two addresses both pass through, top first. */
function tablesInCommon(lay: Layout, a: Kva, b: Kva): SharedTable[] {
  const levels = lay.geo.levels;
  const tables: SharedTable[] = [];
  for (let depth = 1; depth < levels.length; depth++) {
    const above = levels[depth - 1];
    const level = levels[depth];
    if (!above || !level || indexAt(lay, a, depth - 1) !== indexAt(lay, b, depth - 1)) break;
    const start = indexAt(lay, a, depth - 1) * above.entrySize;
    const entryOf = (kva: Kva): number => Math.floor((kva - start) / level.entrySize);
    tables.push({ level: level.name, start, span: above.entrySize, lowIndex: entryOf(a), highIndex: entryOf(b) });
  }
  return tables;
}

/** Where the linear map ends and vmalloc begins in the top-level table, and what they share below it. */
export interface LinearVmallocSharing {
  /** PAGE_END is a multiple of PGDIR_SIZE: the linear map ends exactly at a PGD entry boundary. */
  readonly pageEndOnPgdBoundary: boolean;
  /** PGD index of PAGE_END − 1, the linear map's last byte. */
  readonly lastLinearEntry: number;
  /** PGD index of VMALLOC_START. */
  readonly firstVmallocEntry: number;
  /**
   * Table pages below the PGD that the closest pair — PAGE_END − 1 and VMALLOC_START — both walk
   * through. Every other pair lies further apart, so when this is empty no table page maps both.
   */
  readonly tables: readonly SharedTable[];
}

/**
 * The linear map against vmalloc, computed from the layout: PAGE_END = −2^(VA_BITS−1) is a multiple of
 * PGDIR_SIZE (a PGD entry maps at most 2^(VA_BITS−1)), and vmalloc begins at or above PAGE_END.
 */
export function linearVmallocSharing(lay: Layout): LinearVmallocSharing {
  const top = lay.geo.levels[0]?.entrySize ?? 1;
  return {
    pageEndOnPgdBoundary: lay.pageEnd % top === 0,
    lastLinearEntry: pgdIndex(lay, lay.pageEnd - 1),
    firstVmallocEntry: pgdIndex(lay, lay.vmallocStart),
    tables: tablesInCommon(lay, lay.pageEnd - 1, lay.vmallocStart),
  };
}
