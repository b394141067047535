import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { physHex } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { formatSize, maxPresentPages, parseSize } from '../../src/arch/size';
import { RangeRuleError } from '../../src/errors';
import { Owner, PageState, POISON_WORD } from '../../src/memory/page';
import { checkRoom, PhysMem } from '../../src/memory/physmem';
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
      assert.deepEqual(k.mem.liveTables, live);
      assert.equal(k.mem.state(pfn), PageState.Poisoned);
      assert.equal(k.mem.isLiveTable(pfn), false);
      const words = k.pt.words(pfn, reader);
      assert.ok(words.every((w) => w === POISON_WORD));
      assert.deepEqual(k.mem.violations.slice(seen), [
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
    assert.equal(k.pt.allocTable(1, 'test'), pfn);
    assert.ok(k.pt.words(pfn, 'test').every((w) => w === 0));
    assert.deepEqual(k.mem.violations, []);
  });

  it('reading a page that is not present memory is recorded as an absent page', () => {
    const k = smallKernel('4K/39');
    k.pt.words(0x10, 'ptdump');
    assert.deepEqual(k.mem.violations, [
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
      assert.ok(error instanceof RangeRuleError, String(error));
      assert.match(error.message, /page-aligned, non-empty and within the physical address bits|must not overlap/);
      assert.ok(error.message.includes(`base=${physHex(base)}, size=${size}`), String(error.message));
      assert.deepEqual(
        mem.blocks.map((b) => [b.base, b.size]),
        [[2 ** 30, BOOT]],
      );
    });
  });

  it('removes only a whole present block', () => {
    const mem = new PhysMem(geometry('16K/48'));
    mem.addBlock('hotplug', 2 ** 32, 2 ** 30);
    assert.throws(() => mem.removeBlock(2 ** 32, 2 ** 29), /whole present block.*base=0x000100000000, size=536870912/);
    mem.removeBlock(2 ** 32, 2 ** 30);
    assert.deepEqual(mem.blocks, []);
    assert.equal(mem.state(2 ** 32 / 2 ** 14), undefined);
  });
});

const roomArb = fc.tuple(configArb, fc.boolean()).chain(([config, traced]) => {
  const most = maxPresentPages(traced);
  const section = geometry(config).sectionSize / geometry(config).pageSize;
  const present = fc.oneof(fc.nat({ max: most + 2 * section }), fc.integer({ min: most - 2 * section, max: most }));
  return fc
    .tuple(fc.constant(config), fc.constant(traced), present)
    .chain(([c, t, p]) =>
      fc.tuple(
        fc.constant(c),
        fc.constant(t),
        fc.constant(p),
        fc.oneof(
          fc.constant(Math.max(1, most - p)),
          fc.constant(Math.max(1, most - p + 1)),
          fc.integer({ min: 1, max: most + section }),
        ),
      ),
    );
});

describe('the model’s budget for present memory', () => {
  it('refuses memory beyond it, naming the largest whole number of sections that still fits', () => {
    assertEveryConfig(roomArb, ([config, traced, present, pages]) => {
      const geo = geometry(config);
      const fits = (bytes: number): boolean => {
        try {
          checkRoom(geo, present, bytes, traced);
          return true;
        } catch (error) {
          if (error instanceof RangeRuleError) return false;
          throw error;
        }
      };
      const size = pages * geo.pageSize;
      assert.equal(fits(size), present + pages <= maxPresentPages(traced));
      if (fits(size)) return;
      const message = refusal(() => checkRoom(geo, present, size, traced)).message;
      const shown = /\(size=(\w+), largest=(\w+), config=(\S+), trace=(on|off)\)$/.exec(message);
      assert.deepEqual(shown?.slice(1), [formatSize(size), shown?.[2], config, traced ? 'on' : 'off']);
      const largest = parseSize(shown?.[2] ?? '');
      assert.equal(largest % geo.sectionSize, 0);
      assert.ok(largest === 0 || fits(largest));
      assert.equal(fits(largest + geo.sectionSize), false);
    });
  });

  it('counts every present block, and guards a new block with the untraced limit (the kernel checks its own first)', () => {
    const geo = geometry('64K/48');
    const mem = new PhysMem(geo);
    mem.addBlock('boot', 2 ** 30, 2 ** 30);
    mem.addBlock('hotplug', 2 ** 32, 2 ** 31);
    const rest = maxPresentPages(true) - 3 * (2 ** 30 / geo.pageSize);
    expect(() => mem.checkRoom(rest * geo.pageSize, true)).not.toThrow();
    assert.throws(() => mem.checkRoom((rest + 1) * geo.pageSize, true), /trace=on\)$/);
    const over = (maxPresentPages(false) + 1) * geo.pageSize;
    assert.match(
      refusal(() => mem.addBlock('hotplug', 2 ** 40, over)).message,
      /fit in its 3G budget, boot and hot-added together \(size=\w+, largest=\w+, config=64K\/48, trace=off\)$/,
    );
    assert.equal(mem.blocks.length, 2);
  });
});

/** Blocks of a few pages at page frames of a small window, and pages to set and read. */
const windowArb = configArb.chain((config) =>
  fc.tuple(
    fc.constant(config),
    fc.array(fc.record({ at: fc.nat({ max: 40 }), pages: fc.integer({ min: 1, max: 8 }) }), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.array(
      fc.record({
        at: fc.nat({ max: 48 }),
        count: fc.integer({ min: 1, max: 4 }),
        state: fc.constantFrom(PageState.InUse, PageState.Reserved, PageState.Poisoned),
        owner: fc.constantFrom(Owner.PageTable, Owner.Vmemmap, Owner.KernelImage),
      }),
      { maxLength: 8 },
    ),
    fc.array(fc.nat({ max: 48 }), { maxLength: 24 }),
  ),
);

describe('present blocks and the pages in them', () => {
  it('adds a block exactly when it overlaps none present, lists blocks in address order, and knows every page', () => {
    assertEveryConfig(windowArb, ([config, wanted, writes, reads]) => {
      const geo = geometry(config);
      const mem = new PhysMem(geo);
      const origin = 2 ** 32 / geo.pageSize;
      const known = new Map<number, readonly [PageState, Owner]>();
      for (const { at, pages } of wanted) {
        const base = (origin + at) * geo.pageSize;
        const clash = mem.blocks.find((b) => base < b.base + b.size && b.base < base + pages * geo.pageSize);
        const taken = Array.from({ length: pages }, (_, i) => origin + at + i).some((p) => known.has(p));
        if (taken) {
          const { message } = refusal(() => mem.addBlock('hotplug', base, pages * geo.pageSize));
          assert.ok(message.includes(`present=${physHex(clash?.base ?? -1)}`), message);
        } else {
          mem.addBlock('hotplug', base, pages * geo.pageSize);
          for (let i = 0; i < pages; i++) known.set(origin + at + i, [PageState.Free, Owner.None]);
        }
      }
      assert.deepEqual(
        mem.blocks.map((b) => b.base),
        mem.blocks.map((b) => b.base).sort((a, b) => a - b),
      );
      for (const { at, count, state, owner } of writes) {
        const pfn = origin + at;
        const block = mem.blockOf(pfn);
        if (block && pfn + count <= block.firstPfn + block.pages) {
          mem.setPages(pfn, count, state, owner);
          for (let p = pfn; p < pfn + count; p++) known.set(p, [state, owner]);
        } else {
          assert.equal(
            refusal(() => mem.setPages(pfn, count, state, owner)).message,
            `pages must lie in one present block (pfn=${pfn}, count=${count})`,
          );
        }
      }
      const read = (at: number) => [at, mem.state(origin + at), mem.owner(origin + at)];
      assert.deepEqual(
        reads.map(read),
        reads.map((at) => [at, ...(known.get(origin + at) ?? [undefined, undefined])]),
      );
    });
  });

  it('accepts a block that ends at the top of the physical address space', () => {
    const geo = geometry('64K/52');
    const mem = new PhysMem(geo);
    const top = 2 ** geo.paBits - geo.pageSize;
    mem.addBlock('hotplug', top, geo.pageSize);
    assert.equal(mem.state(top / geo.pageSize), PageState.Free);
  });

  it('a removed block is gone even for the page read last, and its neighbour of the same size stays', () => {
    const geo = geometry('4K/48');
    const mem = new PhysMem(geo);
    mem.addBlock('hotplug', 2 ** 32, 2 ** 27);
    mem.addBlock('hotplug', 2 ** 33, 2 ** 27);
    const high = 2 ** 33 / geo.pageSize;
    assert.equal(mem.state(high), PageState.Free);
    mem.removeBlock(2 ** 33, 2 ** 27);
    assert.equal(mem.state(high), undefined);
    assert.deepEqual(
      mem.blocks.map((b) => b.base),
      [2 ** 32],
    );
  });
});

describe('table pages', () => {
  it('each holds its own granule of descriptors, however many are made, and is counted at its depth until poisoned', () => {
    for (const config of ['4K/48', '64K/52']) {
      const geo = geometry(config);
      const mem = new PhysMem(geo);
      const block = mem.addBlock('boot', 2 ** 32, 64 * 2 ** 20);
      assert.deepEqual(
        mem.liveTables,
        geo.levels.map(() => 0),
      );
      const tables = 3 * (2 ** 20 / geo.pageSize) + 1;
      const pfns = Array.from({ length: tables }, (_, i) => block.firstPfn + i);
      mem.setPages(block.firstPfn, tables, PageState.InUse, Owner.PageTable);
      for (const pfn of pfns) mem.makeTable(pfn, pfn % geo.levels.length)[pfn % geo.ptrsPerTable] = pfn;
      const counts = geo.levels.map((_, depth) => pfns.filter((p) => p % geo.levels.length === depth).length);
      assert.deepEqual(mem.liveTables, counts);
      for (const pfn of pfns) {
        const words = mem.table(pfn, 'test');
        assert.equal(words.length, 2 * geo.ptrsPerTable);
        assert.deepEqual([...words.filter((w) => w !== 0)], [pfn]);
        assert.equal(mem.tableDepth(pfn), pfn % geo.levels.length);
      }
      const poisoned = block.firstPfn;
      mem.poisonTable(poisoned);
      mem.poisonTable(poisoned);
      const depth = poisoned % geo.levels.length;
      assert.deepEqual(
        mem.liveTables,
        counts.map((n, d) => (d === depth ? n - 1 : n)),
      );
      assert.equal(mem.tableDepth(poisoned), undefined);
      assert.deepEqual(mem.violations, []);
    }
  });

  it('a page that never held a table reads as a whole table of poison, and the read is recorded', () => {
    const geo = geometry('16K/36');
    const mem = new PhysMem(geo);
    const block = mem.addBlock('boot', 2 ** 32, 2 ** 24);
    const words = mem.table(block.firstPfn, 'ptdump');
    assert.equal(words.length, 2 * geo.ptrsPerTable);
    assert.ok(words.every((w) => w === POISON_WORD));
    assert.deepEqual(
      mem.violations.map((v) => [v.kind, v.pfn, v.accessor]),
      [['use-after-free', block.firstPfn, 'ptdump']],
    );
  });

  it('a freed table page handed out again for something else, read through the stale pointer, is still a use-after-free', () => {
    const k = smallKernel('4K/48', { bootSize: 64 * 2 ** 20 });
    const pfn = k.pt.allocTable(2, 'test');
    k.pt.freeTable(pfn, 'hot-remove');
    while (k.alloc.available(0) > 1) k.alloc.alloc(0, Owner.Vmalloc);
    assert.equal(k.alloc.alloc(0, Owner.Vmemmap), pfn);
    const seen = k.mem.violations.length;
    k.pt.words(pfn, 'cpu1');
    assert.deepEqual(
      k.mem.violations.slice(seen).map((v) => [v.kind, v.pfn, v.accessor]),
      [['use-after-free', pfn, 'cpu1']],
    );
  });
});

describe('a copy of physical memory', () => {
  it('starts equal and then goes its own way: pages, table contents, counts and violations', () => {
    const geo = geometry('16K/48');
    const mem = new PhysMem(geo);
    const block = mem.addBlock('boot', 2 ** 32, 2 ** 24);
    const [a, b] = [block.firstPfn, block.firstPfn + 1];
    mem.setPages(a, 2, PageState.InUse, Owner.PageTable);
    mem.makeTable(a, 1)[0] = 0x403;
    mem.table(block.firstPfn + 5, 'early');
    const copy = mem.clone();
    assert.deepEqual(
      [copy.state(a), copy.owner(a), copy.tableDepth(a), copy.table(a, 'test')[0]],
      [PageState.InUse, Owner.PageTable, 1, 0x403],
    );
    assert.deepEqual([copy.liveTables, copy.violations], [mem.liveTables, mem.violations]);
    copy.setPages(b, 1, PageState.Poisoned, Owner.Vmalloc);
    copy.writableTable(a, 'test')[0] = 0;
    copy.makeTable(b, 2);
    copy.poisonTable(a);
    copy.table(block.firstPfn + 6, 'late');
    assert.deepEqual(
      [mem.state(b), mem.owner(b), mem.table(a, 'test')[0], mem.tableDepth(a)],
      [PageState.InUse, Owner.PageTable, 0x403, 1],
    );
    assert.deepEqual(
      mem.liveTables,
      geo.levels.map((_, depth) => (depth === 1 ? 1 : 0)),
    );
    assert.deepEqual(
      mem.violations.map((v) => v.accessor),
      ['early'],
    );
    assert.deepEqual(
      copy.violations.map((v) => v.accessor),
      ['early', 'late'],
    );
  });
});
