import { ConfigError } from '../errors';
import type { RangeCheck } from './range-aligned';

/**
 * How a table-freeing design decides, as data: the thread's alternatives side by side, and the
 * injected bugs of the concurrency issue as variations of the same fields.
 */
export interface FreeingPolicy {
  readonly name: string;
  readonly summary: string;
  /** Whether pass 2 runs at all. */
  readonly freeTables: boolean;
  /** floor/ceiling: the enclosing region (v5.7), the removed range (the thread's first idea), or everything (no bound). */
  readonly bounds: 'region' | 'range' | 'everything';
  readonly rangeCheck: RangeCheck;
  /** Scan every entry of the table and keep it if any is live. */
  readonly scan: boolean;
  /** Free the table page before clearing the parent entry (x86 of that era). */
  readonly freeBeforeClear: boolean;
  /** Invalidate the walk cache after clearing the parent entry (__flush_tlb_kernel_pgtable). */
  readonly invalidateWalk: boolean;
  /** One flush_tlb_all at the end of the operation (x86's remove_pagetable). */
  readonly flushAllAtEnd: boolean;
  /**
   * Pass 1's order for a leaf. arm64: clear → a TLBI of its address → free what it mapped. x86
   * (remove_pte_table/remove_pmd_table of that era): free what it mapped → clear, and flush_tlb_all once
   * after each PTE table's leaves; a block's clear waits for the next such flush.
   */
  readonly leafOrder: 'arm64' | 'x86';
  /** x86's remove_pagetable: each table is decided right after its own entries were unmapped, in one pass. */
  readonly onePass: boolean;
  /** Whether PUD tables may be freed at all (4-level x86 left free_pud_table to 5-level paging). */
  readonly freesPudTables: boolean;
  /** V7: no table freeing for vmemmap when vmalloc and vmemmap share a PGD entry. */
  readonly skipVmemmapWhenShared: boolean;
}

const base: Omit<FreeingPolicy, 'name' | 'summary'> = {
  freeTables: true,
  bounds: 'region',
  rangeCheck: 'kernel',
  scan: true,
  freeBeforeClear: false,
  invalidateWalk: true,
  flushAllAtEnd: false,
  leafOrder: 'arm64',
  onePass: false,
  freesPudTables: true,
  skipVmemmapWhenShared: false,
};

export const POLICIES: Readonly<Record<string, FreeingPolicy>> = {
  'v5.7': { ...base, name: 'v5.7', summary: 'floor/ceiling = the enclosing region, plus the all-none scan (merged)' },
  range: {
    ...base,
    name: 'range',
    bounds: 'range',
    summary: 'floor/ceiling = the removed range itself (first proposal)',
  },
  'empty-only': {
    ...base,
    name: 'empty-only',
    bounds: 'everything',
    summary: 'free whenever every entry is none, no floor/ceiling (rejected: races with vmalloc)',
  },
  v7: {
    ...base,
    name: 'v7',
    bounds: 'everything',
    skipVmemmapWhenShared: true,
    summary: 'empty-only, but no vmemmap table freeing when vmalloc and vmemmap share a PGD entry (patch V7)',
  },
  x86: {
    ...base,
    name: 'x86',
    bounds: 'everything',
    freeBeforeClear: true,
    invalidateWalk: false,
    flushAllAtEnd: true,
    leafOrder: 'x86',
    onePass: true,
    freesPudTables: false,
    summary: 'one pass, no floor/ceiling, no PUD table freed; pages freed before their entry is cleared; flushes later',
  },
  never: { ...base, name: 'never', freeTables: false, summary: 'leave every table' },
};

/** A policy by its key; only POLICIES' own keys count (`constructor` is not a policy). */
export function policyNamed(name: string): FreeingPolicy {
  const p = Object.hasOwn(POLICIES, name) ? POLICIES[name] : undefined;
  if (!p)
    throw new ConfigError(
      'the table-freeing policy must be one the model knows',
      { policy: name },
      `known: ${Object.keys(POLICIES).join(', ')}`,
    );
  return p;
}
