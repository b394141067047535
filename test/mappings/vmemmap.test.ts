import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvaHex } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { HotplugError, RangeRuleError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { SUBSECTION_SIZE, subsectionVmemmap, vmemmapFree } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { vmemmapLeafLevel, vmemmapPopulate } from '../../src/mappings/vmemmap';
import { Owner } from '../../src/memory/page';
import { runToEnd } from '../../src/tables/step';
import { translate, walk } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { freshKernel, GiB, MiB, sharedKernel, smallKernel } from '../support/kernels';
import { leavesIn } from '../support/leaves';
import { configArb } from '../support/ranges';
import { refusal } from '../support/refusal';

const RULE = 'vmemmap is populated for a page-aligned range inside [VMEMMAP_START, VMEMMAP_END)';

/** A range that crosses an end of [VMEMMAP_START, VMEMMAP_END), lies wholly outside it, is empty or is unaligned. */
const badRangeArb = configArb.chain((config) => {
  const k = sharedKernel(config);
  const page = k.geo.pageSize;
  const { vmemmapStart: lo, vmemmapEnd: hi } = k.layout;
  const pages = fc.integer({ min: 1, max: 64 }).map((n) => n * page);
  return fc.tuple(
    fc.constant(config),
    fc.oneof(
      fc.tuple(pages, pages).map(([a, b]) => [lo - a, lo + b]),
      fc.tuple(pages, pages).map(([a, b]) => [hi - a, hi + b]),
      pages.map((a) => [lo - 2 * a, lo - a]),
      fc.nat({ max: 15 }).map((n) => [k.layout.vmallocStart + n * page, k.layout.vmallocStart + (n + 1) * page]),
      pages.map((a) => [lo + a, lo + a]),
      fc.tuple(pages, fc.integer({ min: 1, max: page - 1 })).map(([a, off]) => [lo + a + off, lo + 2 * a]),
    ),
  );
});

describe('vmemmap_populate refuses a range outside the region it serves', () => {
  it('with a RangeRuleError naming the rule, start and end, and changes nothing', () => {
    const snapshots = new Map<string, string>();
    assertEveryConfig(badRangeArb, ([config, [start, end]]) => {
      const k = sharedKernel(config);
      const before = snapshots.get(config) ?? snapshot(k);
      snapshots.set(config, before);
      const error = refusal(() => vmemmapPopulate(k, start as number, end as number, undefined, 'test'));
      assert.ok(error instanceof RangeRuleError, String(error));
      assert.ok(error.message.includes(RULE), String(error.message));
      assert.ok(
        error.message.includes(`start=${kvaHex(k.geo, start as number)}, end=${kvaHex(k.geo, end as number)}`),
        String(error.message),
      );
      assert.equal(snapshot(k), before);
    });
  });
});

// Every configuration: features/vmemmap/population-outside-vmemmap-is-refused.feature shows a few.
describe('the first section past what the linear map can reach', () => {
  // Not 64K/52: its vmemmap is sized for 52 bits of VA, its linear map reaches 51 bits of memory.
  it.each(SUPPORTED_CONFIGS.filter((c) => c !== '64K/52'))(
    '%s: its struct pages would start at VMEMMAP_END, and are refused',
    (config) => {
      const k = sharedKernel(config);
      const pa = k.physOffset + (k.layout.pageEnd - k.layout.pageOffset);
      const start = k.vmemmapVa(pa / k.geo.pageSize);
      assert.equal(start, k.layout.vmemmapEnd);
      const before = snapshot(k);
      const error = refusal(() => vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test'));
      assert.deepEqual([error instanceof RangeRuleError, error.message.includes(RULE)], [true, true]);
      assert.equal(snapshot(k), before);
    },
  );
});

// Every configuration: features/vmemmap/the-struct-page-of-a-pfn.feature shows a few.
describe('the struct page of a pfn', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: VMEMMAP_START + (pfn − PHYS_OFFSET / PAGE_SIZE) × 64, mapped only where memory is',
    (config) => {
      const k = new Kernel({ config, rodataFull: false, trace: false });
      const page = k.geo.pageSize;
      const [first, above] = [0x4000_0000, 0x1_4000_0000].map((pa) => k.vmemmapVa(pa / page));
      assert.deepEqual([first, above], [k.layout.vmemmapStart, k.layout.vmemmapStart + (2 ** 32 / page) * 64]);
      assert.deepEqual([translate(k.pt, first as number) > 0, translate(k.pt, above as number)], [true, -1]);
    },
  );
});

const kernels = new Map<string, Kernel>();

/** A small kernel with room for a few more vmemmap blocks (a fresh one once the pool runs low). */
function roomyKernel(config: string): Kernel {
  const k = kernels.get(config);
  if (k && k.alloc.available(0) > (3 * 2 * MiB) / k.geo.pageSize + 16) return k;
  const fresh = freshKernel(config);
  kernels.set(config, fresh);
  return fresh;
}

/** A page-aligned stretch of vmemmap of up to 3 MiB for memory somewhere in the linear map's reach. */
const stretchArb = configArb.chain((config) => {
  const geo = geometry(config);
  const k = sharedKernel(config);
  const slots = (k.layout.vmemmapEnd - k.layout.vmemmapStart) / geo.pageSize;
  return fc.tuple(
    fc.constant(config),
    fc.nat({ max: slots - 1 - (3 * MiB) / geo.pageSize }),
    fc.integer({ min: 1, max: (3 * MiB) / geo.pageSize }),
  );
});

describe('vmemmap_populate maps struct pages', () => {
  it('with PMD blocks on 4K and pages otherwise, backed by fresh vmemmap pages; a second call writes nothing', () => {
    assertEveryConfig(stretchArb, ([config, slot, pages]) => {
      const k = roomyKernel(config);
      const page = k.geo.pageSize;
      const start = k.layout.vmemmapStart + slot * page;
      vmemmapPopulate(k, start, start + pages * page, undefined, 'test');
      const leaf = vmemmapLeafLevel(k);
      for (const va of [start, start + pages * page - 1]) {
        const w = walk(k.pt, va);
        assert.equal(w.stoppedAt.name, leaf.name);
        assert.equal(k.mem.owner(Math.floor((w.pa ?? -1) / page)), Owner.Vmemmap);
      }
      const before = { counts: { ...k.pt.trace.counts }, alloc: k.alloc.fingerprint() };
      vmemmapPopulate(k, start, start + pages * page, undefined, 'test');
      assert.deepEqual({ counts: k.pt.trace.counts, alloc: k.alloc.fingerprint() }, before);
    });
  });

  it.each(['4K/48', '16K/47', '64K/52'])('%s: a hot-added section gets the struct pages of every pfn', (config) => {
    const k = smallKernel(config);
    const base = k.physOffset + 4 * GiB;
    const start = k.vmemmapVa(base / k.geo.pageSize);
    vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test');
    for (const pfn of [0, 1, GiB / k.geo.pageSize - 1].map((i) => base / k.geo.pageSize + i)) {
      assert.ok(translate(k.pt, k.vmemmapVa(pfn)) > 0, `the vmemmap of pfn ${pfn} does not translate`);
    }
    assert.equal(translate(k.pt, start + k.sectionVmemmapSize), -1);
  });
});

// Every configuration: features/vmemmap/a-section-is-populated-by-blocks-or-base-pages.feature shows a few.
describe('the vmemmap of a section just above 2G of boot memory, and of one at 128G', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: one leaf per block or page of struct pages, and a table for each level the walk found none',
    (config) => {
      const base = new Kernel({ config, rodataFull: false });
      for (const pa of [0xc000_0000, 128 * GiB]) {
        if (pa >= base.physOffset + (base.layout.pageEnd - base.layout.pageOffset)) continue;
        const k = base.clone();
        const start = k.vmemmapVa(pa / k.geo.pageSize);
        const leaf = vmemmapLeafLevel(k);
        const before = walk(k.pt, start);
        const needed = k.geo.levels.slice(before.stoppedAt.depth + 1, leaf.depth + 1).map((l) => l.name);
        const mark = k.pt.trace.mark();
        vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test');
        const allocated = k.pt.trace.since(mark).filter((e) => e.op === 'allocate' && e.note === 'table page');
        assert.deepEqual(
          allocated.map((e) => e.level),
          needed,
          `${pa}`,
        );
        const leaves = leavesIn(k.pt, start, start + k.sectionVmemmapSize);
        assert.equal(leaves.length, k.sectionVmemmapSize / leaf.entrySize);
        assert.ok(leaves.every((l) => l.level === leaf && k.mem.owner(l.pa / k.geo.pageSize) === Owner.Vmemmap));
      }
    },
  );
});

// The dry run replays the allocations in order: the new PMD table comes first and misaligns the bump
// pointer, so the 2 MiB block would no longer fit — refused before the table is installed.
describe('vmemmap_populate and a nearly exhausted allocator', () => {
  it('4K/48: refuses a block it cannot allocate before installing its table', () => {
    const k = smallKernel('4K/48');
    while (k.alloc.available(0) > 512) k.alloc.alloc(0, Owner.System);
    const start = k.vmemmapVa((k.physOffset + 128 * GiB) / k.geo.pageSize);
    const before = snapshot(k);
    expect(() => vmemmapPopulate(k, start, start + 2 * MiB, undefined, 'test')).toThrow();
    assert.equal(snapshot(k), before);
  });
});

describe('v5.7 vmemmap_free of one 2 MiB sub-section (section_deactivate → depopulate_section_memmap)', () => {
  const SECTION = 0x2_0000_0000;
  const added = new Map<string, Kernel>();
  /** A small kernel with the section at 8 GiB hot-added, booted once per configuration and cloned per run. */
  const withSection = (config: string): Kernel => {
    let k = added.get(config);
    if (!k) {
      k = smallKernel(config);
      archAddMemory(k, SECTION, GiB);
      added.set(config, k);
    }
    return k.clone();
  };

  it.each(SUPPORTED_CONFIGS)(
    '%s: the struct pages of exactly the sub-sections sharing a vmemmap leaf with it are cleared',
    (config) => {
      fc.assert(
        fc.property(fc.nat({ max: GiB / SUBSECTION_SIZE - 1 }), (n) => {
          const k = withSection(config);
          const leaf = vmemmapLeafLevel(k).entrySize;
          const [start, end] = subsectionVmemmap(k, SECTION + n * SUBSECTION_SIZE);
          runToEnd(vmemmapFree(k, start, end));
          const wrong: string[] = [];
          for (let i = 0; i < GiB / SUBSECTION_SIZE; i++) {
            const [s, e] = subsectionVmemmap(k, SECTION + i * SUBSECTION_SIZE);
            const shares =
              Math.floor(s / leaf) <= Math.floor((end - 1) / leaf) &&
              Math.floor((e - 1) / leaf) >= Math.floor(start / leaf);
            const cleared = walk(k.pt, s).pa === undefined;
            if (cleared !== shares) wrong.push(`sub-section ${i}: ${cleared ? 'cleared' : 'mapped'}`);
          }
          assert.deepEqual(wrong, []);
        }),
        { numRuns: 16 },
      );
    },
  );

  it('refuses a sub-section that is unaligned or not in a hot-added section, naming the rule', () => {
    const k = withSection('4K/48');
    for (const pa of [SECTION + 4096, 0x4000_0000, 0x3_0000_0000]) {
      const error = refusal(() => subsectionVmemmap(k, pa));
      assert.ok(error instanceof HotplugError, String(error));
      assert.ok(error.message.includes('a sub-section is 2M-aligned'), error.message);
    }
  });
});
