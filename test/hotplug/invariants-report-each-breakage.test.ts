import { describe, expect, it } from 'vitest';
import { kvaHex, physHex } from '../../src/arch/address';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { brokenInvariants } from '../../src/hotplug/invariants';
import type { Kernel } from '../../src/mappings/kernel';
import { Owner, PageState } from '../../src/memory/page';
import { reachableTables } from '../../src/tables/tree';
import { freshKernel } from '../support/kernels';

/** The first page of boot memory that nobody uses. */
function freePfn(k: Kernel): number {
  for (const block of k.mem.blocks) {
    for (let pfn = block.firstPfn; pfn < block.firstPfn + block.pages; pfn++) {
      if (k.mem.state(pfn) === PageState.Free) return pfn;
    }
  }
  throw new Error('no free page');
}

/**
 * brokenInvariants is what every other test trusts to say "nothing is broken"; each invariant it
 * checks is broken here on purpose, one at a time, and must be reported, naming the table or page.
 */
describe.each(SUPPORTED_CONFIGS)('%s: brokenInvariants reports each broken invariant', (config) => {
  it('holds on a booted kernel', () => {
    expect(brokenInvariants(freshKernel(config))).toEqual([]);
  });

  it('a reachable table page that is no longer in use', () => {
    const k = freshKernel(config);
    const nodes = reachableTables(k.pt);
    const n = nodes[nodes.length - 1];
    if (!n) throw new Error('no table');
    k.mem.setPages(n.pfn, 1, PageState.Poisoned, Owner.PageTable);
    expect(brokenInvariants(k)).toContain(
      `reachable ${n.level.name} table ${physHex(n.pfn * k.geo.pageSize)} at ${kvaHex(k.geo, n.va)} is not in use`,
    );
  });

  it('a reachable table page above the PTE level that was freed: the invariants’ own walk reads it, and says so', () => {
    const k = freshKernel(config);
    const n = reachableTables(k.pt).find((t) => t.level.depth === k.geo.levels.length - 2);
    if (!n) throw new Error('no PMD table');
    k.mem.setPages(n.pfn, 1, PageState.Poisoned, Owner.PageTable);
    expect(brokenInvariants(k)).toContain(
      `invariants read page ${physHex(n.pfn * k.geo.pageSize)} through a stale pointer after it was freed`,
    );
  });

  it('table accounting that does not match the tree, at every level', () => {
    const k = freshKernel(config);
    const reachable = k.geo.levels.map((l) => reachableTables(k.pt).filter((n) => n.level === l).length);
    k.geo.levels.forEach((_, d) => {
      k.mem.liveTables[d] = (k.mem.liveTables[d] ?? 0) + 1;
    });
    expect(brokenInvariants(k)).toEqual(
      k.geo.levels.map(
        (l, d) => `${l.name} tables: ${(reachable[d] ?? 0) + 1} counted live, ${reachable[d]} reachable from the PGD`,
      ),
    );
  });

  it('a cached walk pointing at a page that holds no table', () => {
    const k = freshKernel(config);
    const pfn = freePfn(k);
    k.pt.tlb.fillWalk(0, k.layout.vmallocStart, pfn);
    const top = k.geo.levels[0];
    const va = Math.floor(k.layout.vmallocStart / (top?.entrySize ?? 1)) * (top?.entrySize ?? 1);
    expect(brokenInvariants(k)).toEqual([
      `walk cache holds a pointer to freed table: PGD[${kvaHex(k.geo, va)}] → table ${physHex(pfn * k.geo.pageSize)}`,
    ]);
  });

  it('a static (kernel image) table no longer reachable', () => {
    const k = freshKernel(config);
    const pfn = freePfn(k);
    k.pt.staticTables.add(pfn);
    expect(brokenInvariants(k)).toEqual([`static table ${physHex(pfn * k.geo.pageSize)} is no longer reachable`]);
  });

  it('a memory violation recorded by the model', () => {
    const k = freshKernel(config);
    k.mem.reportDoubleFree(freePfn(k), 'test');
    expect(brokenInvariants(k)).toEqual([k.mem.violations[0]?.detail]);
  });
});
