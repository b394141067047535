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
  const levels = lay.geo.levels;
  const a = lay.vmallocEnd - 1;
  const b = lay.vmemmapStart;
  const indexAt = (kva: Kva, depth: number): number => Math.floor(kva / (levels[depth]?.entrySize ?? 1));
  const tables: SharedTable[] = [];
  for (let depth = 1; depth < levels.length; depth++) {
    const above = levels[depth - 1];
    const level = levels[depth];
    if (!above || !level || indexAt(a, depth - 1) !== indexAt(b, depth - 1)) break;
    tables.push({ level: level.name, start: indexAt(a, depth - 1) * above.entrySize, span: above.entrySize });
  }
  const vmallocEntry = indexAt(a, 0);
  const vmemmapEntry = indexAt(b, 0);
  return { vmallocEntry, vmemmapEntry, shared: vmallocEntry === vmemmapEntry, tables };
}
