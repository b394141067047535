import * as fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fromKva } from '../../src/arch/address';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { pgtableRangeAligned, spanMask } from '../../src/hotplug/range-aligned';
import { archRemoveMemory, type TableDecision, type TeardownReport } from '../../src/hotplug/remove';
import type { Kernel } from '../../src/mappings/kernel';
import { PageState } from '../../src/memory/page';
import { tableIsEmpty } from '../../src/tables/tree';
import { freshKernel } from '../support/kernels';
import { property } from '../support/property';

/*
 * One free_empty_tables for both callers, shown by behaviour: every decision vmemmap_free and
 * __remove_pgd_mapping make is the one a caller-blind rule gives from the table, the part of the
 * range under it, the floor and the ceiling — pgtable_range_aligned first, then the all-none scan.
 * Nothing else about the caller enters.
 */

const RUNS_PER_CONFIG = 15;
const POLICIES = ['v5.7', 'range', 'empty-only'] as const;

/** The decision the rule gives, read from the kernel after the teardown (a kept table's entries no longer change). */
function ruleSays(k: Kernel, r: TeardownReport, d: TableDecision): string {
  const start = Math.max(r.start, d.va);
  const end = Math.min(r.end, d.va + d.span);
  const verdict = pgtableRangeAligned(fromKva(k.geo, start), fromKva(k.geo, end), r.floor, r.ceiling, spanMask(d.span));
  if (verdict !== 'eligible') return `kept: outside floor/ceiling (${verdict})`;
  if (!k.mem.isLiveTable(d.pfn)) return 'freed';
  const level = k.geo.levels.find((l) => l.name === d.level);
  if (!level || !tableIsEmpty(k.pt, d.pfn, level.entries, 'test')) return 'kept: entries left';
  const pinned = k.pt.isStatic(d.pfn) || k.mem.state(d.pfn) === PageState.Reserved;
  return pinned ? 'kept: a page of the kernel image or of boot memory' : 'kept: empty and unpinned';
}

function decided(d: TableDecision): string {
  if (d.freed) return 'freed';
  if (d.reason === 'outside floor/ceiling') return `kept: outside floor/ceiling (${d.verdict})`;
  if (d.reason === 'entries left') return 'kept: entries left';
  return 'kept: a page of the kernel image or of boot memory';
}

describe('both callers decide by one rule of the table, its range, floor and ceiling', () => {
  for (const config of SUPPORTED_CONFIGS) {
    const sample = freshKernel(config);
    const first = sample.sectionOf(sample.physOffset) + 1;
    const last =
      sample.sectionOf(sample.physOffset) +
      (sample.layout.pageEnd - sample.layout.pageOffset) / sample.geo.sectionSize -
      1;
    const section = fc.integer({ min: first, max: last });

    property([fc.uniqueArray(section, { minLength: 1, maxLength: 3 }), fc.constantFrom(...POLICIES)], {
      numRuns: RUNS_PER_CONFIG,
    })(`${config}: vmemmap_free and __remove_pgd_mapping decide every table by the same rule`, (sections, policy) => {
      const k = freshKernel(config);
      for (const nr of sections) archAddMemory(k, nr * k.geo.sectionSize, k.geo.sectionSize);
      const removed = sections[0] as number;
      const { parts } = archRemoveMemory(k, removed * k.geo.sectionSize, k.geo.sectionSize, { policy });
      expect(parts.map((r) => r.caller)).toEqual(['vmemmap_free', '__remove_pgd_mapping']);
      for (const r of parts) {
        for (const d of r.decisions) expect(decided(d), `${r.caller}: ${d.level} table`).toBe(ruleSays(k, r, d));
      }
    });
  }
});
