import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERA_NAMES, ERAS } from '../../src/arch/era';
import { HotplugError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { tablesFingerprint } from '../../src/mappings/snapshot';
import { reachableTables, type TableNode } from '../../src/tables/tree';
import { freshKernel, MiB } from '../support/kernels';
import { property } from '../support/property';

/** Every kernel the eras offer: era × configuration × CPU with or without 52-bit VA where it falls back. */
const MACHINES = ERA_NAMES.flatMap((era) =>
  ERAS[era].configs.flatMap((config) =>
    (config.endsWith('/52') && ERAS[era].fallback52 ? [true, false] : [true]).map((lpa2) => ({ era, config, lpa2 })),
  ),
);

describe('hot-add then hot-remove in every era', () => {
  property([fc.constantFrom(...MACHINES), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })], {
    numRuns: 60,
  })(
    'one section anywhere in reach leaves the tables as before, but for those whose span passes VMEMMAP_END',
    (machine, where) => {
      const k = freshKernel(machine.config, { era: machine.era, lpa2: machine.lpa2 });
      const sec = k.geo.sectionSize;
      const reach = k.layout.pageEnd - k.layout.pageOffset;
      const bootEnd = 0x4000_0000 + 128 * MiB;
      const first = Math.ceil(bootEnd / sec);
      const last = Math.floor((k.physOffset + reach) / sec) - 1;
      const start = (first + Math.floor(where * (last - first + 1))) * sec;
      const tables = (): Map<string, TableNode> =>
        new Map(reachableTables(k.pt).map((n) => [`${n.level.name}@${n.va}`, n]));
      const before = tables();
      archAddMemory(k, start, sec);
      archRemoveMemory(k, start, sec);
      const after = tables();
      expect([...before.keys()].filter((key) => !after.has(key))).toEqual([]);
      // A table reaching past VMEMMAP_END is never eligible (pgtable_range_aligned's ceiling test).
      const leftOver = [...after.values()].filter((n) => !before.has(`${n.level.name}@${n.va}`));
      expect(leftOver.filter((n) => n.va + n.level.tableSpan <= k.layout.vmemmapEnd)).toEqual([]);
      expect(brokenInvariants(k)).toEqual([]);
    },
  );

  it('a far memory block on 4K/52 with LPA2 frees its P4D table; one sharing a PGD entry with boot memory does not (block-mapped: no PTE tables)', () => {
    const levelsFreed = (start: number): string[] => {
      const k = freshKernel('4K/52', { era: 'v6.12' });
      archAddMemory(k, start, k.geo.sectionSize);
      const report = archRemoveMemory(k, start, k.geo.sectionSize);
      const freed = report.parts.flatMap((p) => p.decisions.filter((d) => d.freed).map((d) => d.level));
      return [...new Set(freed)].sort();
    };
    expect(levelsFreed(2 ** 48 + 2 ** 30)).toEqual(['P4D', 'PMD', 'PUD']);
    expect(levelsFreed(2 ** 40)).toEqual(['PMD', 'PUD']);
  });

  it('the same far placement is out of reach without LPA2: arch_get_mappable_range ends at 128T', () => {
    const k = freshKernel('4K/52', { era: 'v6.12', lpa2: false });
    const before = tablesFingerprint(k);
    expect(() => archAddMemory(k, 2 ** 48 + 2 ** 30, k.geo.sectionSize)).toThrow(HotplugError);
    expect(tablesFingerprint(k)).toBe(before);
  });
});
