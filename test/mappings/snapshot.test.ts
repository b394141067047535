import { describe, expect, it } from 'vitest';
import { leafDesc, PAGE_KERNEL } from '../../src/arch/descriptor';
import { snapshot, tablesFingerprint } from '../../src/mappings/snapshot';
import { Owner, PageState } from '../../src/memory/page';
import { reachableTables } from '../../src/tables/tree';
import { GiB, smallKernel } from '../support/kernels';

// The fingerprint refusals are checked with: each part of the state it names moves it, and nothing else.
describe('snapshot, the fingerprint of a kernel’s state', () => {
  const k = smallKernel('4K/39', { bootSize: 2 * GiB, trace: false });

  it('is the same for a clone, and for the same sections entered in another order', () => {
    const copy = k.clone();
    expect(snapshot(copy)).toBe(snapshot(k));
    expect(tablesFingerprint(copy)).toBe(tablesFingerprint(k));
    const [first] = copy.sections.values();
    if (!first) throw new Error('a booted kernel has present sections');
    copy.sections.delete(first.nr);
    const without = snapshot(copy);
    expect(without).not.toBe(snapshot(k));
    copy.sections.set(first.nr, first);
    expect([...copy.sections.keys()]).not.toEqual([...k.sections.keys()]);
    expect(snapshot(copy)).toBe(snapshot(k));
  });

  it('moves with where a vmalloc area that maps nothing lies (vm_area_add_early)', () => {
    const [low, high] = [k.clone(), k.clone()];
    const at = low.vmalloc.findFree(low.geo.pageSize);
    low.vmalloc.reserve(at, low.geo.pageSize, 'test');
    high.vmalloc.reserve(at + 2 * high.geo.pageSize, high.geo.pageSize, 'test');
    expect(tablesFingerprint(low)).toBe(tablesFingerprint(k));
    expect(snapshot(low)).not.toBe(snapshot(k));
    expect(snapshot(low)).not.toBe(snapshot(high));
  });

  it('moves with the owner of one page, its state unchanged', () => {
    const copy = k.clone();
    const pfn = k.image.phys / k.geo.pageSize - 1;
    expect([copy.mem.state(pfn), copy.mem.owner(pfn)]).toEqual([PageState.InUse, Owner.System]);
    copy.mem.setPages(pfn, 1, PageState.InUse, Owner.Vmalloc);
    expect(snapshot(copy)).not.toBe(snapshot(k));
  });

  it('moves with one table entry, and so does the fingerprint of the tables', () => {
    const copy = k.clone();
    const pte = reachableTables(copy.pt).find((t) => t.level.name === 'PTE');
    if (!pte) throw new Error('a booted kernel has PTE tables (the fixmap’s)');
    const index = new Uint32Array(copy.pt.words(pte.pfn, 'test')).findIndex((w, i) => i % 2 === 0 && w === 0) / 2;
    const desc = leafDesc(pte.level, 0x4000_0000, PAGE_KERNEL, copy.geo.pageShift, false);
    copy.pt.writeEntry(pte.pfn, pte.level.depth, index, desc.lo, desc.hi, pte.va, 'test');
    expect(tablesFingerprint(copy)).not.toBe(tablesFingerprint(k));
    expect(snapshot(copy)).not.toBe(snapshot(k));
  });

  it('reports its own read of a reachable table that was freed as the snapshot’s', () => {
    const copy = k.clone();
    const pte = reachableTables(copy.pt).find((t) => t.level.name === 'PTE');
    if (!pte) throw new Error('a booted kernel has PTE tables (the fixmap’s)');
    copy.pt.freeTable(pte.pfn, 'test');
    tablesFingerprint(copy);
    expect(copy.mem.violations.map((v) => [v.kind, v.pfn, v.accessor])).toEqual([
      ['use-after-free', pte.pfn, 'snapshot'],
    ]);
  });
});
