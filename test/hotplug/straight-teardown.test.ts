import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory, removePgdMapping, sectionVmemmap } from '../../src/hotplug/remove';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { runToEnd } from '../../src/tables/step';
import { mmuTranslate } from '../../src/tables/walker';
import { smallKernel } from '../support/kernels';

// The PTE loop run straight (no steps, no events recorded) must still drop each cleared page's TLB
// entry, as the recorded path does: a CPU that translated a vmemmap page of the section keeps no
// translation of it once the section is gone.
describe('hot-remove with events only counted', () => {
  it.each(['64K/42', '16K/47'])('%s: no TLB entry of a removed vmemmap page survives', (config) => {
    const k = smallKernel(config, { trace: false });
    const pa = k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2;
    archAddMemory(k, pa, k.geo.sectionSize);
    const [start] = sectionVmemmap(k, k.sectionOf(pa));
    // A page inside the PTE table's span, not its first: the walk-cache TLBI at the table's start misses it.
    const va = start + k.geo.pageSize;
    mmuTranslate(k.pt, va);
    expect(k.pt.tlb.lookupLeaf(va)).toBeDefined();
    archRemoveMemory(k, pa, k.geo.sectionSize);
    expect(k.pt.tlb.lookupLeaf(va)).toBeUndefined();
  });
});

describe('pass 1 skips none entries', () => {
  it.each([
    ['64K/48', false],
    ['64K/48', true],
    ['4K/48', false],
  ])('%s (step-wise: %s): a range with a hole clears only the two pages mapped around it', (config, stepwise) => {
    const k = smallKernel(config, { trace: false });
    const page = k.geo.pageSize;
    const va = k.linearVa(k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2);
    for (const at of [va, va + 2 * page]) {
      createPgdMapping(k.pt, {
        phys: at - k.layout.pageOffset + k.physOffset,
        virt: at,
        size: page,
        prot: PAGE_KERNEL,
        flags: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
        actor: 'test',
      });
    }
    const before = { ...k.pt.trace.counts };
    runToEnd(removePgdMapping(k, k.pt.pgd, va, 3 * page, { policy: 'never', stepwise }));
    const { clear, 'invalidate-tlb': tlbi } = k.pt.trace.counts;
    expect([clear - before.clear, tlbi - before['invalidate-tlb']]).toEqual([2, 2]);
  });
});
