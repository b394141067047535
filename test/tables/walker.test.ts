import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvaHex, physHex } from '../../src/arch/address';
import { descAddr, PAGE_KERNEL } from '../../src/arch/descriptor';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { createPgdMapping } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { Owner, PageState, POISON_WORD } from '../../src/memory/page';
import { reachableTables } from '../../src/tables/tree';
import { mmuTranslate, translate, walk } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { alignUp, freeRegions, freshTables, sharedKernel, smallKernel } from '../support/kernels';
import { configArb, mappingUnits } from '../support/ranges';

/** Addresses worth walking in a booted kernel: every region's first and last byte, plus arbitrary ones. */
function interesting(k: Kernel): number[] {
  return k.layout.regions.flatMap((r) => [
    r.start,
    r.end - 1,
    k.linearVa(k.image.phys),
    k.vmemmapVa(k.image.phys / k.geo.pageSize),
  ]);
}

const addressArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.oneof(fc.nat(), fc.constantFrom(...interesting(sharedKernel(config))))),
);

describe('the software walk, its fast form and the MMU agree', () => {
  it('walk, translate and mmuTranslate (cold, then from the TLB) give the same address or a fault', () => {
    assertEveryConfig(addressArb, ([config, n]) => {
      const k = sharedKernel(config);
      const kva = n % 2 ** k.geo.vaBits;
      const w = walk(k.pt, kva);
      const pa = w.pa ?? -1;
      k.pt.tlb.invalidateAll();
      assert.deepEqual([translate(k.pt, kva), mmuTranslate(k.pt, kva), mmuTranslate(k.pt, kva)], [pa, pa, pa]);
      assert.equal(w.fault === undefined, pa >= 0);
      assert.equal(w.steps.at(-1)?.level, w.stoppedAt);
      assert.deepEqual(k.mem.violations, []);
    });
  });
});

/**
 * A page mapped through a PTE table of its own, translated once by the MMU (which caches the walk),
 * then unmapped as pass 1 of hot-remove does it (clear the PTE, last-level TLBI), and the PTE table
 * unhooked from its parent. Returns what is needed to free the table.
 */
function unhookedTable(config: string) {
  const k = smallKernel(config);
  const free = freeRegions(k)[0] as { start: number };
  const va = alignUp(free.start, mappingUnits(k.geo).at(-1) as number);
  createPgdMapping(k.pt, { virt: va, size: k.geo.pageSize, phys: 2 ** 33, prot: PAGE_KERNEL, flags: 0, actor: 'test' });
  assert.equal(mmuTranslate(k.pt, va, 'cpu1'), 2 ** 33);
  const steps = walk(k.pt, va).steps;
  const pte = steps.at(-1) as (typeof steps)[number];
  const parent = steps.at(-2) as (typeof steps)[number];
  k.pt.clearEntry(pte.table, pte.level.depth, pte.index, va, 'hot-remove');
  k.pt.invalidateLeaf(va, 'hot-remove');
  k.pt.clearEntry(parent.table, parent.level.depth, parent.index, va, 'hot-remove');
  return { k, va, table: pte.table };
}

describe('the walk cache and freed table pages', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: freeing before the walk-cache invalidation leaves a stale pointer: the MMU reads poison',
    (config) => {
      const { k, va, table } = unhookedTable(config);
      k.pt.freeTable(table, 'hot-remove');
      assert.deepEqual(
        k.pt.tlb.staleWalks().map((e) => e.target),
        [table],
      );
      assert.equal(mmuTranslate(k.pt, va, 'cpu1'), descAddr(POISON_WORD, POISON_WORD, k.geo.pageShift));
      assert.deepEqual(
        k.mem.violations.map((v) => [v.kind, v.pfn, v.accessor]),
        [
          ['stale-walk-cache', table, 'cpu1'],
          ['use-after-free', table, 'cpu1'],
        ],
      );
      assert.equal(
        k.mem.violations[0]?.detail,
        `cpu1 walked ${kvaHex(k.geo, va)} through a cached pointer to the freed table page at ${physHex(table * k.geo.pageSize)}`,
      );
    },
  );

  it.each(SUPPORTED_CONFIGS)('%s: clear, invalidate the walk, then free: the MMU walks from the PGD', (config) => {
    const { k, va, table } = unhookedTable(config);
    k.pt.invalidateWalk(va, 'hot-remove');
    k.pt.freeTable(table, 'hot-remove');
    assert.deepEqual(k.pt.tlb.staleWalks(), []);
    assert.equal(mmuTranslate(k.pt, va, 'cpu1'), -1);
    assert.deepEqual(k.mem.violations, []);
  });
});

/** A page from the allocator, mapped at a free address and translated once by the MMU (now in its TLB). */
function mappedPage(config: string) {
  const k = smallKernel(config);
  const free = freeRegions(k)[0] as { start: number };
  const va = alignUp(free.start, mappingUnits(k.geo).at(-1) as number);
  const pfn = k.alloc.alloc(0, Owner.Vmalloc);
  const pa = pfn * k.geo.pageSize;
  createPgdMapping(k.pt, { virt: va, size: k.geo.pageSize, phys: pa, prot: PAGE_KERNEL, flags: 0, actor: 'test' });
  assert.equal(mmuTranslate(k.pt, va, 'cpu1'), pa);
  return { k, va, pfn, pa };
}

describe('the MMU and freed pages', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: a page freed while still mapped is read through the TLB, then through the entry not yet cleared',
    (config) => {
      const { k, va, pfn, pa } = mappedPage(config);
      k.alloc.free(pfn, 0, 'hot-remove');
      assert.equal(mmuTranslate(k.pt, va, 'cpu1'), pa);
      k.pt.tlb.invalidateAll();
      assert.equal(mmuTranslate(k.pt, va, 'cpu1'), pa);
      assert.deepEqual(
        k.mem.violations.map((v) => [v.kind, v.pfn, v.accessor]),
        [
          ['use-after-free', pfn, 'cpu1'],
          ['use-after-free', pfn, 'cpu1'],
        ],
      );
      assert.deepEqual(
        k.mem.violations.map((v) => v.detail),
        [
          `cpu1 read ${kvaHex(k.geo, va)} through a stale TLB entry: the page at ${physHex(pa)} was freed`,
          `cpu1 read ${kvaHex(k.geo, va)} through an entry not yet cleared: the page at ${physHex(pa)} was freed`,
        ],
      );
    },
  );

  it.each(SUPPORTED_CONFIGS)('%s: clear, invalidate, then free: the MMU faults and reads nothing freed', (config) => {
    const { k, va, pfn } = mappedPage(config);
    const pte = walk(k.pt, va).steps.at(-1) as ReturnType<typeof walk>['steps'][number];
    k.pt.clearEntry(pte.table, pte.level.depth, pte.index, va, 'hot-remove');
    k.pt.invalidateLeaf(va, 'hot-remove');
    k.alloc.free(pfn, 0, 'hot-remove');
    assert.equal(mmuTranslate(k.pt, va, 'cpu1'), -1);
    assert.deepEqual(k.mem.violations, []);
  });
});

describe('readers of a freed table page name themselves', () => {
  it.each(['4K/48', '16K/47', '64K/52'])(
    '%s: the software walks as the walker, the MMU as the cpu; tables and pages above 4G are followed whole',
    (config) => {
      const pt = freshTables(config);
      const top = pt.geo.levels[0]?.entrySize ?? 0;
      const va = 3 * top + 5 * pt.geo.pageSize;
      const phys = 2 ** 33 + 5 * pt.geo.pageSize;
      createPgdMapping(pt, { virt: va, size: pt.geo.pageSize, phys, prot: PAGE_KERNEL, flags: 0, actor: 'test' });
      const child = walk(pt, va).steps[1]?.table ?? 0;
      expect(reachableTables(pt)[1]).toMatchObject({ pfn: child, va: 3 * top });
      assert.equal(translate(pt, va), phys);
      pt.mem.setPages(child, 1, PageState.Poisoned, Owner.PageTable);
      walk(pt, va);
      translate(pt, va);
      reachableTables(pt);
      mmuTranslate(pt, va);
      assert.deepEqual(
        pt.mem.violations.map((v) => [v.pfn, v.accessor]),
        [
          [child, 'walker'],
          [child, 'walker'],
          ...(pt.geo.levels.length > 2 ? [[child, 'walker']] : []),
          [child, 'cpu'],
        ],
      );
    },
  );
});
