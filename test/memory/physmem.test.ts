import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { physHex } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { RangeRuleError } from '../../src/errors';
import { PageState, POISON_WORD } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { assertEveryConfig } from '../support/assert';
import { sharedKernel, smallKernel } from '../support/kernels';
import { configArb } from '../support/ranges';
import { refusal } from '../support/refusal';

const freedTableArb = configArb.chain((config) =>
  fc.tuple(
    fc.constant(config),
    fc.nat({ max: geometry(config).levels.length - 1 }),
    fc.array(fc.nat({ max: geometry(config).ptrsPerTable - 1 }), { maxLength: 4 }),
    fc.constantFrom('vmalloc', 'ptdump', 'cpu1'),
  ),
);

describe('a freed table page', () => {
  it('is poisoned, uncounted, and reading it through a stale pointer is a use-after-free naming page and reader', () => {
    assertEveryConfig(freedTableArb, ([config, depth, written, reader]) => {
      const k = sharedKernel(config);
      const live = [...k.mem.liveTables];
      const seen = k.mem.violations.length;
      const pfn = k.pt.allocTable(depth, 'test');
      for (const i of written) k.pt.writeEntry(pfn, depth, i, 0x403, 0x1, 0, 'test');
      k.pt.freeTable(pfn, 'hot-remove');
      expect(k.mem.liveTables).toEqual(live);
      expect(k.mem.state(pfn)).toBe(PageState.Poisoned);
      expect(k.mem.isLiveTable(pfn)).toBe(false);
      const words = k.pt.words(pfn, reader);
      expect(words.every((w) => w === POISON_WORD)).toBe(true);
      expect(k.mem.violations.slice(seen)).toEqual([
        {
          kind: 'use-after-free',
          pfn,
          accessor: reader,
          detail: `${reader} read page ${physHex(pfn * k.geo.pageSize)} through a stale pointer after it was freed`,
        },
      ]);
    });
  });

  it('comes back zeroed when the allocator hands it out again as a table', () => {
    const k = smallKernel('64K/42', { bootSize: 64 * 2 ** 20 });
    const pfn = k.pt.allocTable(1, 'test');
    k.pt.writeEntry(pfn, 1, 7, 0x403, 0, 0, 'test');
    k.pt.freeTable(pfn, 'test');
    while (k.alloc.available(0) > 1) k.alloc.alloc(0, 0);
    expect(k.pt.allocTable(1, 'test')).toBe(pfn);
    expect(k.pt.words(pfn, 'test').every((w) => w === 0)).toBe(true);
    expect(k.mem.violations).toEqual([]);
  });

  it('reading a page that is not present memory is recorded as an absent page', () => {
    const k = smallKernel('4K/39');
    k.pt.words(0x10, 'ptdump');
    expect(k.mem.violations).toEqual([
      {
        kind: 'absent-page',
        pfn: 0x10,
        accessor: 'ptdump',
        detail: 'ptdump read page 0x000000010000, which is not present memory',
      },
    ]);
  });
});

/** Present boot memory of the block tests: 64 MiB at 1 GiB. */
const BOOT = 64 * 2 ** 20;

const badBlockArb = configArb.chain((config) => {
  const geo = geometry(config);
  const page = geo.pageSize;
  return fc.tuple(
    fc.constant(config),
    fc.oneof(
      fc.record({ base: fc.integer({ min: 1, max: page - 1 }).map((o) => 2 ** 32 + o), size: fc.constant(page) }),
      fc.record({
        base: fc.constant(2 ** 32),
        size: fc.integer({ min: 1, max: 64 * page }).filter((s) => s % page !== 0),
      }),
      fc.record({ base: fc.constant(2 ** 32), size: fc.integer({ min: -page, max: 0 }) }),
      fc.record({ base: fc.constant(2 ** geo.paBits - page), size: fc.constant(2 * page) }),
      fc.record({ base: fc.nat({ max: 63 }).map((n) => 2 ** 30 + n * page), size: fc.constant(2 ** 30) }),
    ),
  );
});

describe('physical memory blocks', () => {
  it('refuses an unaligned, empty, overlapping or out-of-range block with a RangeRuleError and adds nothing', () => {
    assertEveryConfig(badBlockArb, ([config, { base, size }]) => {
      const mem = new PhysMem(geometry(config));
      mem.addBlock('boot', 2 ** 30, BOOT);
      const error = refusal(() => mem.addBlock('hotplug', base, size));
      expect(error).toBeInstanceOf(RangeRuleError);
      expect(error.message).toMatch(/page-aligned, non-empty and within the physical address bits|must not overlap/);
      expect(error.message).toContain(`base=${physHex(base)}, size=${size}`);
      expect(mem.blocks.map((b) => [b.base, b.size])).toEqual([[2 ** 30, BOOT]]);
    });
  });

  it('removes only a whole present block', () => {
    const mem = new PhysMem(geometry('16K/48'));
    mem.addBlock('hotplug', 2 ** 32, 2 ** 30);
    expect(() => mem.removeBlock(2 ** 32, 2 ** 29)).toThrow(/whole present block.*base=0x000100000000, size=536870912/);
    mem.removeBlock(2 ** 32, 2 ** 30);
    expect(mem.blocks).toEqual([]);
    expect(mem.state(2 ** 32 / 2 ** 14)).toBeUndefined();
  });
});
