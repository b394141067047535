import { describe, expect, it } from 'vitest';
import { leftEmpty } from '../../src/hotplug/invariants';
import type { TeardownReport } from '../../src/hotplug/remove';
import type { TableDecision } from '../../src/hotplug/teardown';
import { Owner } from '../../src/memory/page';
import { freshKernel } from '../support/kernels';

describe('leftEmpty: the tables a teardown kept that are now empty', () => {
  it('64K/48: lists a kept, live table whose every entry is none — of its own level’s 8192, not the PGD’s 64', () => {
    const k = freshKernel('64K/48');
    const [pmd, pte] = [k.geo.levels.length - 2, k.geo.levels.length - 1];
    const decision = (pfn: number, depth: number, freed: boolean): TableDecision => ({
      pfn,
      level: k.geo.levels[depth]?.name ?? 'PGD',
      va: 0,
      span: k.geo.levels[depth - 1]?.entrySize ?? 0,
      freed,
      reason: freed ? 'freed' : 'outside floor/ceiling',
    });
    const empty = decision(k.pt.allocTable(pte, 'test'), pte, false);
    const used = decision(k.pt.allocTable(pmd, 'test'), pmd, false);
    k.pt.writeEntry(used.pfn, pmd, 100, 0x401, 0, 0, 'test');
    // Kept by the teardown and freed since; freed by the teardown, then handed out again as a new table.
    const gone = decision(k.pt.allocTable(pte, 'test'), pte, false);
    const reused = decision(k.pt.allocTable(pte, 'test'), pte, true);
    k.pt.freeTable(gone.pfn, 'test');
    k.pt.freeTable(reused.pfn, 'test');
    while (k.alloc.available(0) > 2) k.alloc.alloc(0, Owner.Vmalloc);
    expect(k.pt.allocTable(pte, 'test')).toBe(reused.pfn);
    const report: TeardownReport = {
      caller: '__remove_pgd_mapping',
      start: 0,
      end: 0,
      floor: 0n,
      ceiling: 0n,
      decisions: [empty, used, gone, reused],
    };
    expect(leftEmpty(k, [report])).toEqual([empty]);
  });
});
