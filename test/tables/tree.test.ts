import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { geometry } from '../../src/arch/geometry';
import { MappingConflictError, OutOfMemoryError } from '../../src/errors';
import { createPgdMapping } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { vmemmapPopulate } from '../../src/mappings/vmemmap';
import { leavesBelow, reachableTables, tableIsEmpty } from '../../src/tables/tree';
import { walk } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { alignUp, freeRegions, freshKernel, freshTables, GiB, smallKernel } from '../support/kernels';
import { configArb, mappingUnits, type RangeShape, rangeShapeArb } from '../support/ranges';

/** One operation of a random sequence on a booted kernel. */
type Op =
  | { readonly kind: 'map'; readonly shape: RangeShape; readonly slot: number }
  | { readonly kind: 'vmalloc'; readonly pages: number }
  | { readonly kind: 'vfree'; readonly pick: number }
  | { readonly kind: 'vmemmap'; readonly section: number };

const opArb = (config: string): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('map' as const),
      shape: rangeShapeArb(geometry(config), { cheap: true }),
      slot: fc.nat({ max: 3 }),
    }),
    fc.record({ kind: fc.constant('vmalloc' as const), pages: fc.integer({ min: 1, max: 32 }) }),
    fc.record({ kind: fc.constant('vfree' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('vmemmap' as const), section: fc.integer({ min: 1, max: 64 }) }),
  );

/** Runs one operation (see run). */
function perform(k: Kernel, op: Op): void {
  if (op.kind === 'map') {
    const unit = mappingUnits(k.geo).at(-1) as number;
    const virt = alignUp(freeRegions(k)[0]?.start ?? 0, unit) + op.slot * unit + op.shape.offset;
    const req = { virt, size: op.shape.size, phys: virt + op.shape.skew, prot: PAGE_KERNEL, flags: op.shape.flags };
    createPgdMapping(k.pt, { ...req, actor: 'test' });
  } else if (op.kind === 'vmalloc') {
    k.vmalloc.vmalloc(op.pages * k.geo.pageSize, 'test');
  } else if (op.kind === 'vfree') {
    const areas = k.vmalloc.areas.filter((a) => a.pages.length > 0);
    const area = areas[op.pick % Math.max(areas.length, 1)];
    if (area) k.vmalloc.vfree(area, 'test');
  } else {
    const sections = (k.layout.vmemmapEnd - k.layout.vmemmapStart) / k.sectionVmemmapSize;
    const pfn = (k.physOffset + (1 + (op.section % (sections - 1))) * GiB) / k.geo.pageSize;
    const start = k.vmemmapVa(pfn);
    vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test');
  }
}

/**
 * Runs one operation. A mapping over an earlier one to other phys is refused (the kernel would BUG),
 * and the small pool may run out; a refused operation is part of the sequence too.
 */
function run(k: Kernel, op: Op): void {
  try {
    perform(k, op);
  } catch (error) {
    if (!(error instanceof MappingConflictError || error instanceof OutOfMemoryError)) throw error;
  }
}

/** Reachable table pages per depth (0 = the PGD level). */
function reachablePerDepth(k: Kernel): number[] {
  const counts = k.geo.levels.map(() => 0);
  for (const node of reachableTables(k.pt)) counts[node.level.depth] = (counts[node.level.depth] ?? 0) + 1;
  return counts;
}

const sequenceArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.array(opArb(config), { minLength: 1, maxLength: 6 })),
);

describe('live table pages are exactly the tables reachable from the PGD', () => {
  it('after boot and random sequences of mappings, vmemmap population, vmalloc and vfree', () => {
    assertEveryConfig(sequenceArb, ([config, ops]) => {
      const k = freshKernel(config);
      for (const op of ops) run(k, op);
      assert.deepEqual(k.mem.liveTables, reachablePerDepth(k));
      assert.deepEqual(k.mem.violations, []);
    });
  });

  it.each(['4K/48', '16K/36', '64K/52'])('%s: boot reaches the PGD first, then parents before children', (config) => {
    const k = smallKernel(config);
    const nodes = reachableTables(k.pt);
    expect(nodes[0]).toMatchObject({ pfn: k.pt.pgd, va: 0, level: { name: 'PGD' } });
    const parentFirst = nodes.every(
      (n, i) => n.level.depth === 0 || nodes.slice(0, i).some((p) => p.level.depth === n.level.depth - 1),
    );
    assert.ok(parentFirst);
    assert.equal(new Set(nodes.map((n) => n.pfn)).size, nodes.length);
  });
});

describe('tableIsEmpty scans every entry of a table page', () => {
  it.each(['4K/39', '16K/47', '64K/48'])(
    '%s: a fresh table is empty, one set entry anywhere makes it not',
    (config) => {
      const k = smallKernel(config);
      const pfn = k.pt.allocTable(k.geo.levels.length - 1, 'test');
      const entries = k.geo.ptrsPerTable;
      assert.ok(tableIsEmpty(k.pt, pfn, entries, 'test'));
      for (const index of [0, entries - 1]) {
        k.pt.writeEntry(pfn, k.geo.levels.length - 1, index, 0, 1, 0, 'test');
        assert.equal(tableIsEmpty(k.pt, pfn, entries, 'test'), false);
        k.pt.clearEntry(pfn, k.geo.levels.length - 1, index, 0, 'test');
      }
      assert.ok(tableIsEmpty(k.pt, pfn, entries, 'test'));
    },
  );
});

describe('leavesBelow lists every leaf under a table, in address order', () => {
  it.each(['4K/48', '16K/47', '64K/52'])('%s: a block, a page, and an entry whose high half alone is set', (config) => {
    const pt = freshTables(config);
    const last = pt.geo.levels.length - 1;
    const block = pt.geo.levels[last - 1]?.entrySize ?? 0;
    const map = (virt: number, size: number) =>
      createPgdMapping(pt, { virt, size, phys: 2 ** 32 + virt, prot: PAGE_KERNEL, flags: 0, actor: 'test' });
    map(4 * block, block);
    map(9 * block + 3 * pt.geo.pageSize, pt.geo.pageSize);
    const pte = walk(pt, 9 * block).steps.at(-1)?.table ?? 0;
    pt.writeEntry(pte, last, 5, 0, 1, 9 * block + 5 * pt.geo.pageSize, 'test');
    assert.deepEqual(
      [...leavesBelow(pt, pt.pgd, 0, 0, 'test')],
      [4 * block, 9 * block + 3 * pt.geo.pageSize, 9 * block + 5 * pt.geo.pageSize],
    );
  });
});
