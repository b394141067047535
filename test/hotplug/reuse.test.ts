import * as fc from 'fast-check';
import { describe, expect } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { strandedTables } from '../../src/hotplug/worst-case';
import { reachableTables } from '../../src/tables/tree';
import { freshKernel } from '../support/kernels';
import { property } from '../support/property';

/*
 * The thread accepted the tables floor/ceiling = the removed range leaves behind because they "could be
 * reused if something else gets mapped in that range". Re-adding the same memory shows it: every
 * table left behind is walked through again, in its place, and the hot-add allocates exactly that
 * many table pages fewer than the first one did.
 */

const RUNS_PER_CONFIG = 12;

const liveTables = (k: ReturnType<typeof freshKernel>): number => k.mem.liveTables.reduce((a, b) => a + b, 0);

describe('tables left behind by the policy range are reused by the next hot-add there', () => {
  for (const config of SUPPORTED_CONFIGS) {
    const sample = freshKernel(config);
    const sections = (sample.layout.pageEnd - sample.layout.pageOffset) / sample.geo.sectionSize;
    const firstFree = sample.sectionOf(sample.physOffset) + 1;
    const lastSection = sample.sectionOf(sample.physOffset) + sections - 1;
    const range = fc
      .tuple(fc.integer({ min: firstFree, max: lastSection }), fc.integer({ min: 1, max: 3 }))
      .map(([nr, count]) => ({ nr: Math.min(nr, lastSection - count + 1), count }));

    property([range], { numRuns: RUNS_PER_CONFIG })(
      `${config}: added, removed under range, added again: no new table where one was left`,
      ({ nr, count }) => {
        const k = freshKernel(config);
        const start = nr * k.geo.sectionSize;
        const size = count * k.geo.sectionSize;
        const before = liveTables(k);
        archAddMemory(k, start, size);
        const firstAllocated = liveTables(k) - before;
        const removal = archRemoveMemory(k, start, size, { policy: 'range' });
        const left = strandedTables(k, removal.parts);
        const between = liveTables(k);
        archAddMemory(k, start, size);
        expect(liveTables(k) - between).toBe(firstAllocated - left.length);
        const now = new Map(reachableTables(k.pt).map((n) => [n.pfn, n]));
        for (const d of left) expect([now.get(d.pfn)?.level.name, now.get(d.pfn)?.va]).toEqual([d.level, d.va]);
        expect(strandedTables(k, removal.parts)).toEqual([]);
        expect(brokenInvariants(k)).toEqual([]);
      },
    );
  }
});
