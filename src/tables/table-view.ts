import type { Kva } from '../arch/address';
import type { Geometry, Level } from '../arch/geometry';

/**
 * What a walker reads: a geometry, the page frame of swapper_pg_dir and the descriptors of a table
 * page. The model's page tables are one; a snapshot of a real guest's RAM is the other — one walker,
 * two memories.
 */
export interface TableView {
  readonly geo: Geometry;
  /** Page frame of swapper_pg_dir. */
  readonly pgd: number;
  /** The descriptors of a table page as 32-bit halves (lo, hi per entry), read by an accessor. */
  words(pfn: number, accessor: string): Uint32Array;
  /** A table page's descriptors if they can never change again (shared by clones), for what is computed from them. */
  frozenWords?(pfn: number): Uint32Array | undefined;
}

/** The entry index of an address in a table of a level (p*d_index). */
export function entryIndex(level: Level, kva: Kva): number {
  return Math.floor(kva / level.entrySize) & (level.entries - 1);
}
