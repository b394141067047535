import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { KernelWarning, OutOfMemoryError } from '../../src/errors';
import { PageAllocator } from '../../src/memory/allocator';
import { Owner, PageState } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { assertEveryConfig } from '../support/assert';
import { smallKernel } from '../support/kernels';
import { configArb } from '../support/ranges';
import { refusal } from '../support/refusal';

const IMAGE_PAGES = 32;
const POOL_PAGES = 224;

/** A block of 256 pages: the first 32 reserved for the kernel image, the rest the allocator's pool. */
function tinyMemory(config: string): { mem: PhysMem; alloc: PageAllocator; first: number } {
  const geo = geometry(config);
  const mem = new PhysMem(geo);
  const block = mem.addBlock('boot', 0x4000_0000, (IMAGE_PAGES + POOL_PAGES) * geo.pageSize);
  mem.setPages(block.firstPfn, IMAGE_PAGES, PageState.Reserved, Owner.KernelImage);
  const first = block.firstPfn + IMAGE_PAGES;
  return { mem, alloc: new PageAllocator(mem, first, first + POOL_PAGES), first };
}

type Op =
  | { readonly kind: 'alloc'; readonly order: number; readonly memblock: boolean; readonly owner: Owner }
  | { readonly kind: 'free'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('alloc' as const),
      order: fc.nat({ max: 3 }),
      memblock: fc.boolean(),
      owner: fc.constantFrom(Owner.PageTable, Owner.Vmemmap, Owner.Vmalloc),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
);

const sequenceArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.array(opArb, { minLength: 1, maxLength: 120, size: 'max' })),
);

type Held = { readonly pfn: number; readonly order: number; readonly reserved: boolean; readonly owner: Owner };

/** What is wrong with a block just handed out: outside the pool, unaligned, overlapping, or in the wrong state. */
function badAllocation(mem: PhysMem, first: number, held: readonly Held[], block: Held): string | undefined {
  const count = 2 ** block.order;
  const { pfn } = block;
  if (pfn % count !== 0 || pfn < first || pfn + count > first + POOL_PAGES) return `block ${pfn} outside the pool`;
  if (held.some((h) => pfn < h.pfn + 2 ** h.order && h.pfn < pfn + count)) return `block ${pfn} handed out twice`;
  const state = block.reserved ? PageState.Reserved : PageState.InUse;
  for (let p = pfn; p < pfn + count; p++) {
    if (mem.state(p) !== state || mem.owner(p) !== block.owner) return `page ${p} is ${mem.state(p)}/${mem.owner(p)}`;
  }
  return undefined;
}

/** Frees a held block: a reserved one is refused with a KernelWarning and stays held. */
function release(mem: PhysMem, alloc: PageAllocator, held: Held[], pick: number): string | undefined {
  const h = held[pick % held.length] as Held;
  try {
    alloc.free(h.pfn, h.order, 'test');
  } catch (error) {
    return h.reserved && error instanceof KernelWarning && mem.state(h.pfn) === PageState.Reserved
      ? undefined
      : String(error);
  }
  held.splice(held.indexOf(h), 1);
  const poisoned = Array.from({ length: 2 ** h.order }, (_, i) => mem.state(h.pfn + i) === PageState.Poisoned);
  return h.reserved
    ? `reserved block ${h.pfn} was freed`
    : poisoned.every(Boolean)
      ? undefined
      : `block ${h.pfn} not poisoned`;
}

/** Runs a sequence of allocations and frees into held; returns the first thing that went wrong. */
function run(
  mem: PhysMem,
  alloc: PageAllocator,
  first: number,
  ops: readonly Op[],
  held: Held[] = [],
): string | undefined {
  for (const op of ops) {
    let problem: string | undefined;
    if (op.kind === 'free') problem = held.length > 0 ? release(mem, alloc, held, op.pick) : undefined;
    else {
      const before = alloc.available(op.order);
      alloc.memblock = op.memblock;
      try {
        const pfn = alloc.alloc(op.order, op.owner);
        const block = { pfn, order: op.order, reserved: op.memblock, owner: op.owner };
        problem = badAllocation(mem, first, held, block);
        held.push(block);
      } catch (error) {
        problem = error instanceof OutOfMemoryError && before === 0 ? undefined : String(error);
      }
    }
    if (problem) return problem;
  }
  return undefined;
}

/** Whether the allocator hands out a block of the order (false: it is out of memory). */
function handsOut(alloc: PageAllocator, order: number): boolean {
  try {
    alloc.alloc(order, Owner.Vmalloc);
    return true;
  } catch (error) {
    if (error instanceof OutOfMemoryError) return false;
    throw error;
  }
}

describe('the page allocator', () => {
  it('never hands out a reserved, kernel-image or in-use page, even after frees and exhaustion', () => {
    assertEveryConfig(sequenceArb, ([config, ops]) => {
      const { mem, alloc, first } = tinyMemory(config);
      const held: Held[] = [];
      assert.equal(run(mem, alloc, first, ops, held), undefined);
      const image = Array.from({ length: IMAGE_PAGES }, (_, i) => mem.state(first - IMAGE_PAGES + i));
      assert.ok(image.every((s) => s === PageState.Reserved));
      assert.deepEqual(mem.violations, []);
    });
  });

  it('counts in use, by owner, exactly the pages handed out and not freed (memblock ones too: they are never freed)', () => {
    assertEveryConfig(sequenceArb, ([config, ops]) => {
      const { mem, alloc, first } = tinyMemory(config);
      const held: Held[] = [];
      assert.equal(run(mem, alloc, first, ops, held), undefined);
      const expected = new Map<Owner, number>();
      for (const h of held) expected.set(h.owner, (expected.get(h.owner) ?? 0) + 2 ** h.order);
      for (const [owner, pages] of alloc.inUse) assert.equal(pages, expected.get(owner) ?? 0, `owner ${owner}`);
      assert.ok([...expected.keys()].every((owner) => alloc.inUse.has(owner)));
    });
  });

  it('canAllocate and available foretell exactly what allocations would get, and change nothing', () => {
    const arb = sequenceArb.chain(([config, ops]) =>
      fc.tuple(
        fc.constant(config),
        fc.constant(ops),
        fc.array(fc.nat({ max: 3 }), { maxLength: 60, size: 'max' }),
        fc.nat({ max: 3 }),
      ),
    );
    assertEveryConfig(arb, ([config, ops, orders, order]) => {
      const { mem, alloc, first } = tinyMemory(config);
      assert.equal(run(mem, alloc, first, ops), undefined);
      const before = alloc.fingerprint();
      const predicted = [alloc.canAllocate(orders), alloc.available(order)];
      const trial = alloc.clone(mem.clone());
      const granted = orders.every((o) => handsOut(trial, o));
      const drain = alloc.clone(mem.clone());
      let blocks = 0;
      while (handsOut(drain, order)) blocks++;
      assert.deepEqual(predicted, [granted, blocks]);
      assert.equal(alloc.fingerprint(), before);
      assert.equal(alloc.available(order), blocks);
    });
  });

  it('refuses an order it has no block of with an OutOfMemoryError naming the order and the pool', () => {
    const { alloc } = tinyMemory('4K/48');
    while (alloc.available(0) > 0) alloc.alloc(0, Owner.Vmalloc);
    const lists = alloc.fingerprint();
    assert.equal(
      refusal(() => alloc.alloc(2, Owner.Vmemmap)).message,
      `the page allocator has no free block of this order (order=2, poolPages=${POOL_PAGES})`,
    );
    const error = refusal(() => alloc.alloc(0, Owner.Vmemmap));
    assert.ok(error instanceof OutOfMemoryError, String(error));
    assert.equal(alloc.fingerprint(), lists);
  });

  it('two allocators have the same fingerprint exactly when they would hand out the same pages from then on', () => {
    const pool = 12;
    const drains = new Map<string, string>();
    const prints = new Map<string, string>();
    for (let i = 1; i <= pool; i++) {
      for (let j = 1; j <= pool; j++) {
        const mem = new PhysMem(geometry('4K/48'));
        mem.addBlock('boot', mem.geo.pageSize, pool * mem.geo.pageSize);
        const alloc = new PageAllocator(mem, 1, 1 + pool);
        while (alloc.available(0) > 0) alloc.alloc(0, Owner.Vmalloc);
        alloc.free(i, 0, 'test');
        if (j !== i) alloc.free(j, 0, 'test');
        const print = alloc.fingerprint();
        const drain: number[] = [];
        while (alloc.available(0) > 0) drain.push(alloc.alloc(0, Owner.Vmalloc));
        assert.equal(drains.get(print) ?? drain.join(), drain.join(), print);
        assert.equal(prints.get(drain.join()) ?? print, print, drain.join());
        drains.set(print, drain.join());
        prints.set(drain.join(), print);
      }
    }
    assert.equal(drains.size, pool * pool);
  });

  it('refuses to free a reserved boot page with a KernelWarning naming the page and the caller', () => {
    const k = smallKernel('4K/48');
    const imagePfn = k.image.phys / k.geo.pageSize;
    assert.throws(
      () => k.alloc.free(imagePfn, 0, 'hot-remove'),
      /reserved \(boot\) page must never be freed.*page=0x000040080000, by=hot-remove/,
    );
    assert.equal(k.mem.state(imagePfn), PageState.Reserved);
  });

  it('freeReserved, as free_pages after the WARN: the reserved page joins the free lists and is handed out again', () => {
    const { mem, alloc, first } = tinyMemory('64K/42');
    const image = first - 1;
    for (let i = 0; i < POOL_PAGES; i++) alloc.alloc(0, Owner.Vmalloc);
    const counted = alloc.inUse.get(Owner.Vmalloc);
    alloc.freeReserved(image, 0);
    assert.equal(mem.state(image), PageState.Poisoned);
    assert.equal(mem.owner(image), Owner.KernelImage);
    assert.equal(alloc.inUse.get(Owner.KernelImage) ?? 0, 0);
    assert.equal(alloc.alloc(0, Owner.PageTable), image);
    assert.equal(alloc.inUse.get(Owner.Vmalloc), counted);
  });

  it('records a double free as a violation naming the page and the caller, and changes nothing', () => {
    const { mem, alloc } = tinyMemory('16K/47');
    const pfn = alloc.alloc(0, Owner.Vmalloc);
    alloc.free(pfn, 0, 'vfree');
    const lists = alloc.fingerprint();
    alloc.free(pfn, 0, 'vfree');
    assert.equal(alloc.fingerprint(), lists);
    assert.deepEqual(mem.violations, [
      {
        kind: 'double-free',
        pfn,
        accessor: 'vfree',
        detail: `vfree freed page 0x${(pfn * 16384).toString(16).padStart(12, '0')}, which was not in use`,
      },
    ]);
  });

  it('hands freed blocks out again only once the fresh pages are gone, last freed first', () => {
    const { alloc, first } = tinyMemory('64K/48');
    const a = alloc.alloc(0, Owner.PageTable);
    const b = alloc.alloc(0, Owner.PageTable);
    alloc.free(a, 0, 'test');
    alloc.free(b, 0, 'test');
    assert.equal(alloc.alloc(0, Owner.PageTable), first + 2);
    while (alloc.available(0) > 2) alloc.alloc(0, Owner.PageTable);
    assert.deepEqual([alloc.alloc(0, Owner.PageTable), alloc.alloc(0, Owner.PageTable)], [b, a]);
    assert.throws(() => alloc.alloc(0, Owner.PageTable), OutOfMemoryError);
  });
});
