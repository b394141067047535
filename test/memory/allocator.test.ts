import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { KernelWarning, OutOfMemoryError } from '../../src/errors';
import { PageAllocator } from '../../src/memory/allocator';
import { Owner, PageState } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { assertEveryConfig } from '../support/assert';
import { smallKernel } from '../support/kernels';
import { configArb } from '../support/ranges';

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
  | { readonly kind: 'alloc'; readonly order: number; readonly memblock: boolean }
  | { readonly kind: 'free'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('alloc' as const), order: fc.nat({ max: 3 }), memblock: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
);

const sequenceArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.array(opArb, { minLength: 1, maxLength: 120 })),
);

type Held = { readonly pfn: number; readonly order: number; readonly reserved: boolean };

/** What is wrong with a block just handed out: outside the pool, unaligned, overlapping, or in the wrong state. */
function badAllocation(mem: PhysMem, first: number, held: readonly Held[], block: Held): string | undefined {
  const count = 2 ** block.order;
  const { pfn } = block;
  if (pfn % count !== 0 || pfn < first || pfn + count > first + POOL_PAGES) return `block ${pfn} outside the pool`;
  if (held.some((h) => pfn < h.pfn + 2 ** h.order && h.pfn < pfn + count)) return `block ${pfn} handed out twice`;
  const state = block.reserved ? PageState.Reserved : PageState.InUse;
  for (let p = pfn; p < pfn + count; p++) {
    if (mem.state(p) !== state || mem.owner(p) !== Owner.PageTable)
      return `page ${p} is ${mem.state(p)}/${mem.owner(p)}`;
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

/** Runs a sequence of allocations and frees; returns the first thing that went wrong. */
function run(mem: PhysMem, alloc: PageAllocator, first: number, ops: readonly Op[]): string | undefined {
  const held: Held[] = [];
  for (const op of ops) {
    let problem: string | undefined;
    if (op.kind === 'free') problem = held.length > 0 ? release(mem, alloc, held, op.pick) : undefined;
    else {
      const before = alloc.available(op.order);
      alloc.memblock = op.memblock;
      try {
        const block = { pfn: alloc.alloc(op.order, Owner.PageTable), order: op.order, reserved: op.memblock };
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

describe('the page allocator', () => {
  it('never hands out a reserved, kernel-image or in-use page, even after frees and exhaustion', () => {
    assertEveryConfig(sequenceArb, ([config, ops]) => {
      const { mem, alloc, first } = tinyMemory(config);
      expect(run(mem, alloc, first, ops)).toBeUndefined();
      const image = Array.from({ length: IMAGE_PAGES }, (_, i) => mem.state(first - IMAGE_PAGES + i));
      expect(image.every((s) => s === PageState.Reserved)).toBe(true);
      expect(mem.violations).toEqual([]);
    });
  });

  it('refuses to free a reserved boot page with a KernelWarning naming the page and the caller', () => {
    const k = smallKernel('4K/48');
    const imagePfn = k.image.phys / k.geo.pageSize;
    expect(() => k.alloc.free(imagePfn, 0, 'hot-remove')).toThrow(
      /reserved \(boot\) page must never be freed.*page=0x000040080000, by=hot-remove/,
    );
    expect(k.mem.state(imagePfn)).toBe(PageState.Reserved);
  });

  it('freeReserved, as free_pages after the WARN: the reserved page joins the free lists and is handed out again', () => {
    const { mem, alloc, first } = tinyMemory('64K/42');
    const image = first - 1;
    for (let i = 0; i < POOL_PAGES; i++) alloc.alloc(0, Owner.Vmalloc);
    const counted = alloc.inUse.get(Owner.Vmalloc);
    alloc.freeReserved(image, 0);
    expect(mem.state(image)).toBe(PageState.Poisoned);
    expect(alloc.inUse.get(Owner.KernelImage) ?? 0).toBe(0);
    expect(alloc.alloc(0, Owner.PageTable)).toBe(image);
    expect(alloc.inUse.get(Owner.Vmalloc)).toBe(counted);
  });

  it('records a double free as a violation naming the page and the caller, and changes nothing', () => {
    const { mem, alloc } = tinyMemory('16K/47');
    const pfn = alloc.alloc(0, Owner.Vmalloc);
    alloc.free(pfn, 0, 'vfree');
    const lists = alloc.fingerprint();
    alloc.free(pfn, 0, 'vfree');
    expect(alloc.fingerprint()).toBe(lists);
    expect(mem.violations).toEqual([
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
    expect(alloc.alloc(0, Owner.PageTable)).toBe(first + 2);
    while (alloc.available(0) > 2) alloc.alloc(0, Owner.PageTable);
    expect([alloc.alloc(0, Owner.PageTable), alloc.alloc(0, Owner.PageTable)]).toEqual([b, a]);
    expect(() => alloc.alloc(0, Owner.PageTable)).toThrow(OutOfMemoryError);
  });
});
