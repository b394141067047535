import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { kvaHex, toKva } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { OutOfMemoryError, RangeRuleError } from '../../src/errors';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { PageState } from '../../src/memory/page';
import { translate, walk } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { MiB, sharedKernel, smallKernel } from '../support/kernels';
import { configArb } from '../support/ranges';
import { refusal } from '../support/refusal';

const RULE = 'a vmalloc area must be page-aligned, free and inside [VMALLOC_START, VMALLOC_END)';

/** A page-aligned fixed address below VMALLOC_START (linear map, KASAN, BPF, modules) and a size. */
const belowArb = configArb.chain((config) => {
  const k = sharedKernel(config);
  const pages = k.layout.vmallocStart / k.geo.pageSize;
  return fc.tuple(fc.constant(config), fc.nat({ max: pages - 1 }), fc.integer({ min: 1, max: 16 }));
});

describe('vmalloc at a fixed address', () => {
  it('refuses one below VMALLOC_START with a RangeRuleError naming the rule and the address, changing nothing', () => {
    const snapshots = new Map<string, string>();
    assertEveryConfig(belowArb, ([config, page, pages]) => {
      const k = sharedKernel(config);
      const at = page * k.geo.pageSize;
      const before = snapshots.get(config) ?? snapshot(k);
      snapshots.set(config, before);
      const error = refusal(() => k.vmalloc.vmalloc(pages * k.geo.pageSize, 'test', at));
      assert.ok(error instanceof RangeRuleError, String(error));
      assert.ok(error.message.includes(RULE), String(error.message));
      assert.ok(error.message.includes(`start=${kvaHex(k.geo, at)}`), String(error.message));
      assert.equal(snapshot(k), before);
    });
  });

  it.each(['4K/48', '64K/42'])('%s: refuses one at or above VMALLOC_END with the same RangeRuleError', (config) => {
    const k = sharedKernel(config);
    const before = snapshot(k);
    for (const at of [k.layout.vmallocEnd, k.layout.vmemmapStart]) {
      const error = refusal(() => k.vmalloc.vmalloc(k.geo.pageSize, 'test', at));
      assert.ok(error instanceof RangeRuleError, String(error));
    }
    assert.equal(snapshot(k), before);
  });

  it.each(['4K/39', '16K/48', '64K/52'])(
    '%s: refuses an unaligned or overlapping address and a partial page',
    (config) => {
      const k = sharedKernel(config);
      const page = k.geo.pageSize;
      const area = k.vmalloc.vmalloc(4 * page, 'test');
      const before = snapshot(k);
      for (const at of [area.start + 1, area.start + 2 * page, area.start - page, area.start + 4 * page]) {
        const { message } = refusal(() => k.vmalloc.vmalloc(page, 'test', at));
        assert.ok(message.includes(RULE), message);
      }
      assert.throws(() => k.vmalloc.vmalloc(page + 1, 'test'), /vmalloc sizes are whole pages/);
      assert.throws(() => k.vmalloc.vmalloc(0, 'test'), RangeRuleError);
      assert.equal(snapshot(k), before);
    },
  );
});

const sizesArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 })),
);

describe('vmalloc and vfree', () => {
  it('map fresh pages, then clear them, poison the pages and keep every table', () => {
    assertEveryConfig(sizesArb, ([config, sizes]) => {
      const k = sharedKernel(config);
      const page = k.geo.pageSize;
      const areas = sizes.map((n) => k.vmalloc.vmalloc(n * page, 'test'));
      for (const a of areas)
        assert.deepEqual(
          a.pages.map((_, i) => translate(k.pt, a.start + i * page) / page),
          a.pages,
        );
      const live = [...k.mem.liveTables];
      for (const a of areas) k.vmalloc.vfree(a, 'test');
      assert.deepEqual(k.mem.liveTables, live);
      for (const a of areas) {
        assert.deepEqual(
          a.pages.map((_, i) => translate(k.pt, a.start + i * page)),
          a.pages.map(() => -1),
        );
        assert.ok(a.pages.every((pfn) => k.mem.state(pfn) === PageState.Poisoned));
        assert.ok(!k.vmalloc.areas.includes(a), `the freed area at ${a.start} is still listed`);
      }
    });
  });

  it('refuses to free an area twice, changing nothing', () => {
    const k = sharedKernel('16K/36');
    const area = k.vmalloc.vmalloc(3 * k.geo.pageSize, 'test');
    k.vmalloc.vfree(area, 'test');
    const before = snapshot(k);
    assert.throws(() => k.vmalloc.vfree(area, 'test'), /vfree takes an area vmalloc returned and not yet freed/);
    assert.equal(snapshot(k), before);
  });

  it.each(['4K/48', '16K/47', '64K/48'])(
    '%s: refuses more than the allocator has before reserving anything',
    (config) => {
      const k = smallKernel(config, { bootSize: 64 * MiB });
      const before = snapshot(k);
      const pages = k.alloc.available(0) + 1;
      assert.throws(() => k.vmalloc.vmalloc(pages * geometry(config).pageSize, 'test'), OutOfMemoryError);
      assert.equal(snapshot(k), before);
    },
  );

  it('refuses a size beyond the allocator before reading a single table (2^40 bytes)', () => {
    const k = smallKernel('4K/48', { bootSize: 64 * MiB });
    const reads = vi.spyOn(k.pt, 'words');
    assert.throws(() => k.vmalloc.vmalloc(2 ** 40, 'test'), OutOfMemoryError);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
  });
});

// Every configuration: features/vmalloc/vmalloc-allocates-tables-on-demand.feature and
// vfree-never-frees-a-table.feature show a few.
describe('64K vmalloc’ed into an empty part of the vmalloc space, then vfreed', () => {
  it.each([
    ['4K/39', 0xffff_ffd0_0000_0000n],
    ['4K/48', 0xffff_9000_0000_0000n],
    ['16K/36', 0xffff_fff9_0000_0000n],
    ['16K/47', 0xffff_d000_0000_0000n],
    ['16K/48', 0xffff_9000_0000_0000n],
    ['64K/42', 0xffff_fe80_0000_0000n],
    ['64K/48', 0xffff_9000_0000_0000n],
    ['64K/52', 0xffff_9000_0000_0000n],
  ] as const)('%s at %s: a table for each level whose entry was none, all kept by vfree', (config, at) => {
    const k = new Kernel({ config, rodataFull: false });
    const va = toKva(k.geo, at);
    const before = walk(k.pt, va);
    assert.equal(before.fault, 'none');
    const needed = k.geo.levels.slice(before.stoppedAt.depth + 1).map((l) => l.name);
    const mark = k.pt.trace.mark();
    const area = k.vmalloc.vmalloc(64 * 1024, 'test', va);
    const allocated = k.pt.trace.since(mark).filter((e) => e.op === 'allocate' && e.note === 'table page');
    assert.deepEqual(
      allocated.map((e) => e.level),
      needed,
    );
    assert.equal(translate(k.pt, va), (area.pages[0] ?? Number.NaN) * k.geo.pageSize);
    const live = [...k.mem.liveTables];
    k.vmalloc.vfree(area, 'test');
    assert.deepEqual([translate(k.pt, va), [...k.mem.liveTables]], [-1, live]);
    assert.ok(area.pages.every((pfn) => k.mem.state(pfn) === PageState.Poisoned));
  });
});
