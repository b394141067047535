import type { Geometry } from './geometry';

/**
 * CONT_PTES/CONT_PTE_SIZE or CONT_PMDS/CONT_PMD_SIZE. The PMD run lives on whichever real level is
 * lookup level 2 — the PGD itself on two-level configurations, where the PMD is folded into it.
 */
export function contRun(geo: Geometry, kind: 'PTE' | 'PMD'): { entries: number; size: number } {
  const level = geo.levels.find((l) => l.hw === (kind === 'PTE' ? 3 : 2));
  const entries = level?.contEntries ?? 0;
  return { entries, size: entries * 2 ** geo.shiftOf[kind] };
}

/** Bytes of vmemmap (struct pages) that one memory section needs. */
export function vmemmapPerSection(geo: Geometry): number {
  return (geo.sectionSize / geo.pageSize) * geo.structPageSize;
}
