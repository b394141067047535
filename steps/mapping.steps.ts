import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { kvaHex, physHex } from '../src/arch/address';
import { descAddr, PAGE_KERNEL } from '../src/arch/descriptor';
import { createPgdMapping } from '../src/mappings/create-mapping';
import type { Kernel } from '../src/mappings/kernel';
import { vmemmapPopulate } from '../src/mappings/vmemmap';
import { OWNER_NAMES, Owner } from '../src/memory/page';
import { walk } from '../src/tables/walker';
import type { SpecWorld } from './support/world';

// Building mappings: __create_pgd_mapping into the linear map (or any kernel VA) and vmemmap_populate.

function mapInto(world: SpecWorld, size: number, pa: bigint, virt: (k: Kernel) => number, flags?: number): void {
  world.change((k) => {
    createPgdMapping(k.pt, {
      phys: Number(pa),
      virt: virt(k),
      size,
      prot: PAGE_KERNEL,
      flags: flags ?? k.linearFlags,
      actor: 'mapping',
    });
  });
}

When(
  '{size} of physical memory at {hex} is mapped into the linear map',
  function (this: SpecWorld, size: number, pa: bigint) {
    mapInto(this, size, pa, (k) => k.linearVa(Number(pa)));
  },
);

When(
  '{size} of physical memory at {hex} is mapped into the linear map with flags {mapFlags}',
  function (this: SpecWorld, size: number, pa: bigint, flags: number) {
    mapInto(this, size, pa, (k) => k.linearVa(Number(pa)), flags);
  },
);

When(
  '{size} of physical memory at {hex} is mapped at the address {hex} with flags {mapFlags}',
  function (this: SpecWorld, size: number, pa: bigint, va: bigint, flags: number) {
    mapInto(this, size, pa, () => this.kva(va), flags);
  },
);

When('the vmemmap of the section at physical {hex} is populated', function (this: SpecWorld, pa: bigint) {
  this.change((k) => {
    const start = k.vmemmapVa(Number(pa) / k.geo.pageSize);
    vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'vmemmap');
  });
});

When('the vmemmap from {hex} to {hex} is populated', function (this: SpecWorld, start: bigint, end: bigint) {
  this.change((k) => vmemmapPopulate(k, this.kva(start), this.kva(end), undefined, 'vmemmap'));
});

Then('the struct page of the page at physical {hex} is at {hex}', function (this: SpecWorld, pa: bigint, va: bigint) {
  const k = this.kernel;
  assert.equal(kvaHex(k.geo, k.vmemmapVa(Number(pa) / k.geo.pageSize)), kvaHex(k.geo, this.kva(va)));
});

/** Whether each vmemmap page holding a struct page of [pa, pa + size) is mapped. */
function structPagesMapped(world: SpecWorld, size: number, pa: bigint): boolean[] {
  const k = world.kernel;
  const page = k.geo.pageSize;
  const start = k.vmemmapVa(Number(pa) / page);
  const end = k.vmemmapVa((Number(pa) + size) / page);
  const mapped: boolean[] = [];
  for (let va = Math.floor(start / page) * page; va < end; va += page) mapped.push(walk(k.pt, va).pa !== undefined);
  return mapped;
}

Then(
  'the struct pages of {size} of memory at {hex} are unmapped',
  function (this: SpecWorld, size: number, pa: bigint) {
    assert.deepEqual(new Set(structPagesMapped(this, size, pa)), new Set([false]));
  },
);

Then(
  'the struct pages of {size} of memory at {hex} are still mapped',
  function (this: SpecWorld, size: number, pa: bigint) {
    assert.deepEqual(new Set(structPagesMapped(this, size, pa)), new Set([true]));
  },
);

Then(
  'every leaf of {size} from {hex} is backed by vmemmap pages',
  function (this: SpecWorld, size: number, va: bigint) {
    const k = this.kernel;
    const start = this.kva(va);
    for (let addr = start; addr < start + size; ) {
      const w = walk(k.pt, addr);
      const leaf = w.steps.at(-1);
      assert.ok(leaf && w.pa !== undefined, `${kvaHex(k.geo, addr)} is not mapped`);
      const backing = descAddr(leaf.lo, leaf.hi, k.geo.pageShift) / k.geo.pageSize;
      const owner = OWNER_NAMES[k.mem.owner(backing) as Owner];
      assert.equal(owner, OWNER_NAMES[Owner.Vmemmap], `the page at ${physHex(backing * k.geo.pageSize)} is ${owner}`);
      addr += w.stoppedAt.entrySize;
    }
  },
);
