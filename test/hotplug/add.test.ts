import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { MODEL_BUDGET, PAGE_COST, parseSize } from '../../src/arch/size';
import { HotplugError, OutOfMemoryError, RangeRuleError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { archRemoveMemory, sectionVmemmap } from '../../src/hotplug/remove';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot, tablesFingerprint } from '../../src/mappings/snapshot';
import { vmemmapLeafLevel } from '../../src/mappings/vmemmap';
import { Owner } from '../../src/memory/page';
import { translate } from '../../src/tables/walker';
import { leafMismatches, leavesIn } from '../support/leaves';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Boot memory is the section at 1 GiB; hot-added memory goes above it. */
const boot = (config: string, paged = false): Kernel =>
  new Kernel({ config, bootSize: paged ? 128 * MiB : GiB, rodataFull: paged, vmallocAreas: [] });

describe('arch_add_memory maps the linear map and the vmemmap of every section', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c, c.startsWith('64K')]))(
    '%s (page-mapped: %s): every page translates to its physical address, the vmemmap is mapped',
    (config, paged) => {
      const k = boot(config, paged);
      const pa = 4 * GiB;
      archAddMemory(k, pa, GiB);
      for (const offset of [0, k.geo.pageSize, GiB / 2 + 7 * k.geo.pageSize, GiB - k.geo.pageSize]) {
        expect(translate(k.pt, k.linearVa(pa + offset))).toBe(pa + offset);
      }
      const [start, end] = sectionVmemmap(k, k.sectionOf(pa));
      expect([translate(k.pt, start) >= 0, translate(k.pt, end - k.geo.pageSize) >= 0]).toEqual([true, true]);
      expect(k.sections.get(k.sectionOf(pa))).toEqual({ nr: k.sectionOf(pa), boot: false });
      expect(brokenInvariants(k)).toEqual([]);
    },
  );

  it('4K with an altmap: the vmemmap is backed by the first pages of the hot-added memory, and given back to it', () => {
    const k = boot('4K/48');
    const pa = 4 * GiB;
    const vmemmapPages = k.alloc.inUse.get(Owner.Vmemmap) ?? 0;
    archAddMemory(k, pa, 2 * GiB, { altmap: true });
    const [start] = sectionVmemmap(k, k.sectionOf(pa));
    const backing = translate(k.pt, start);
    expect(backing).toBeGreaterThanOrEqual(pa);
    expect(backing).toBeLessThan(pa + 2 * k.sectionVmemmapSize);
    expect(k.alloc.inUse.get(Owner.Vmemmap) ?? 0).toBe(vmemmapPages);
    const report = archRemoveMemory(k, pa, 2 * GiB);
    const frees = k.pt.trace.since(report.mark).filter((e) => e.op === 'free' && e.note !== 'table page');
    expect(new Set(frees.map((e) => e.note))).toEqual(new Set(['vmemmap backing (altmap)']));
    expect(brokenInvariants(k)).toEqual([]);
  });
});

// Every configuration: what the hot-add features (page-mapped under rodata_full, blocks removed whole,
// the altmap) show on a few.
describe('the section at 8G hot-added and hot-removed on every configuration', () => {
  const PA = 0x2_0000_0000;

  it.each(SUPPORTED_CONFIGS.flatMap((config) => [true, false].map((rodataFull) => [config, rodataFull] as const)))(
    '%s, rodata_full %s: the linear map takes the flags rodata_full implies',
    (config, rodataFull) => {
      const k = new Kernel({ config, rodataFull, bootSize: 256 * MiB, trace: false });
      archAddMemory(k, PA, GiB);
      const req = { virt: k.linearVa(PA), size: GiB, phys: PA, flags: k.linearFlags };
      expect(req.flags).toBe(rodataFull ? NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS : 0);
      expect(leafMismatches(k.pt, req)).toEqual([]);
    },
  );

  it.each(SUPPORTED_CONFIGS)('%s, block-mapped: each block is cleared once, with one TLB invalidation', (config) => {
    const k = new Kernel({ config, rodataFull: false });
    const tables = tablesFingerprint(k);
    archAddMemory(k, PA, GiB);
    const blocks = leavesIn(k.pt, k.linearVa(PA), k.linearVa(PA) + GiB);
    const report = archRemoveMemory(k, PA, GiB);
    const [start, end] = [k.linearVa(PA), k.linearVa(PA) + GiB];
    const inRange = k.pt.trace.since(report.mark).filter((e) => (e.va ?? -1) >= start && (e.va ?? -1) < end);
    const cleared = inRange.filter((e, i) => e.op === 'clear' && inRange[i + 1]?.op === 'invalidate-tlb');
    expect(cleared.map((e) => [e.level, e.va])).toEqual(blocks.map((b) => [b.level.name, b.va]));
    expect(inRange.filter((e) => e.op === 'invalidate-tlb').length).toBe(blocks.length);
    expect(tablesFingerprint(k)).toBe(tables);
  });

  it.each(SUPPORTED_CONFIGS.flatMap((config) => [true, false].map((altmap) => [config, altmap] as const)))(
    '%s, altmap %s: the struct pages come from the section or the allocator, and go back there',
    (config, altmap) => {
      const k = new Kernel({ config, rodataFull: false });
      const tables = tablesFingerprint(k);
      const inUse = k.alloc.inUse.get(Owner.Vmemmap) ?? 0;
      archAddMemory(k, PA, GiB, { altmap });
      const [start] = sectionVmemmap(k, k.sectionOf(PA));
      const backing = translate(k.pt, start);
      expect(backing >= PA && backing < PA + GiB).toBe(altmap);
      const report = archRemoveMemory(k, PA, GiB);
      const frees = k.pt.trace.since(report.mark).filter((e) => e.op === 'free' && e.note !== 'table page');
      const perLeaf = vmemmapLeafLevel(k).entrySize / k.geo.pageSize;
      expect(frees.length * perLeaf).toBe(k.sectionVmemmapSize / k.geo.pageSize);
      expect(frees.every((e) => (e.note === 'vmemmap backing (altmap)') === altmap)).toBe(true);
      expect(k.alloc.inUse.get(Owner.Vmemmap) ?? 0).toBe(inUse);
      expect(tablesFingerprint(k)).toBe(tables);
    },
  );
});

describe('arch_add_memory refuses bad input with a HotplugError and changes nothing', () => {
  const refuses = (k: Kernel, start: number, size: number, rule: RegExp) => {
    const before = snapshot(k);
    expect(() => archAddMemory(k, start, size)).toThrow(HotplugError);
    expect(() => archAddMemory(k, start, size)).toThrow(rule);
    expect(snapshot(k)).toBe(before);
  };

  it.each([
    ['a start that is not section-aligned', 4 * GiB + 2 * MiB, GiB],
    ['a size that is not whole sections', 4 * GiB, GiB + 64 * 1024],
    ['an empty range', 4 * GiB, 0],
    ['a negative size', 4 * GiB, -GiB],
  ])('%s', (_why, start, size) => {
    refuses(boot('4K/48'), start, size, /whole, aligned sections/);
  });

  it.each(SUPPORTED_CONFIGS.map((c) => [c]))('%s: memory outside the linear map’s reach', (config) => {
    const k = boot(config);
    const reach = k.layout.pageEnd - k.layout.pageOffset;
    refuses(k, 0, GiB, /mappable_range/);
    refuses(k, k.physOffset + reach, GiB, /mappable_range/);
    refuses(k, k.physOffset + reach - GiB, 2 * GiB, /mappable_range/);
  });

  it.each(['4K/48', '16K/47', '64K/48'])(
    '%s: more memory than the model holds, with the most it can still add, before mapping anything',
    (config) => {
      const k = boot(config);
      const size = (MODEL_BUDGET / PAGE_COST.traced) * k.geo.pageSize;
      const before = snapshot(k);
      let error: unknown;
      try {
        archAddMemory(k, 4 * GiB, size - (size % GiB));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RangeRuleError);
      expect((error as RangeRuleError).rule).toMatch(/budget/);
      // The largest size named is whole sections, fits the budget beside boot memory, and one section more does not.
      const largest = parseSize(String((error as RangeRuleError).values.largest));
      const cost = (bytes: number): number => ((GiB + bytes) / k.geo.pageSize) * PAGE_COST.traced;
      expect(largest % k.geo.sectionSize).toBe(0);
      expect(cost(largest)).toBeLessThanOrEqual(MODEL_BUDGET);
      expect(cost(largest + k.geo.sectionSize)).toBeGreaterThan(MODEL_BUDGET);
      expect(snapshot(k)).toBe(before);
    },
  );

  it('memory overlapping boot memory', () => {
    const k = boot('4K/48');
    refuses(k, k.physOffset, GiB, /overlap/);
  });

  it('memory overlapping hot-added memory, in part', () => {
    const k = boot('4K/48');
    archAddMemory(k, 4 * GiB, 2 * GiB);
    refuses(k, 5 * GiB, GiB, /overlap/);
    refuses(k, 3 * GiB, 2 * GiB, /overlap/);
  });
});

describe('when populating the vmemmap fails, arch_add_memory tears the new linear map down again', () => {
  it.each([
    ['4K/48', false, 513 * GiB, ['PUD freed']],
    ['64K/48', true, 4 * GiB, ['PTE freed', 'PTE freed', 'PMD entries left']],
    ['16K/47', false, 4 * GiB, ['PMD entries left']],
  ])(
    '%s (page-mapped: %s): one section at %d, -ENOMEM: the tables the linear map took are freed',
    (config, paged, pa, decided) => {
      const k = boot(config, paged);
      const tables = tablesFingerprint(k);
      const report = archAddMemory(k, pa, GiB, { failAtSection: 0 });
      expect(report.error).toBeInstanceOf(OutOfMemoryError);
      expect(report.rollback?.caller).toBe('__remove_pgd_mapping');
      expect(report.rollback?.decisions.map((d) => `${d.level} ${d.reason}`)).toEqual(decided);
      expect(translate(k.pt, k.linearVa(pa))).toBe(-1);
      expect(tablesFingerprint(k)).toBe(tables);
      expect(k.sections.has(k.sectionOf(pa))).toBe(false);
      expect(k.mem.blocks.some((b) => b.base === pa)).toBe(false);
      expect(brokenInvariants(k)).toEqual([]);
      archAddMemory(k, pa, GiB);
      expect(translate(k.pt, k.linearVa(pa))).toBe(pa);
    },
  );

  // Every configuration: features/hot-add/a-failed-hot-add-restores-the-tables.feature shows a few.
  it.each(SUPPORTED_CONFIGS)(
    '%s: page-mapped next to boot memory, and block-mapped in the middle of the reach, the tables are as before',
    (config) => {
      const paged = new Kernel({ config, bootSize: 256 * MiB, trace: false });
      const blocks = new Kernel({ config, rodataFull: false, trace: false });
      const middle = blocks.physOffset + (blocks.layout.pageEnd - blocks.layout.pageOffset) / 2;
      for (const [k, pa] of [
        [paged, 0x2_0000_0000],
        [blocks, middle],
      ] as const) {
        const tables = tablesFingerprint(k);
        const report = archAddMemory(k, pa, GiB, { failAtSection: 0 });
        expect(report.error).toBeInstanceOf(OutOfMemoryError);
        expect(tablesFingerprint(k)).toBe(tables);
        expect(k.mem.blocks.some((b) => b.base === pa)).toBe(false);
      }
      // The page-mapped section's PTE tables: one per PTE table span of the section.
      const pte = paged.geo.levels.at(-1);
      const rollback = archAddMemory(paged, 0x2_0000_0000, GiB, { failAtSection: 0 }).rollback;
      const freedPtes = rollback?.decisions.filter((d) => d.level === 'PTE' && d.freed).length;
      expect(freedPtes).toBe(GiB / (pte?.tableSpan ?? 1));
    },
  );

  it('two sections, the second fails: the first stays present with its vmemmap, as __add_pages leaves it', () => {
    const k = boot('64K/48', true);
    const pa = 4 * GiB;
    const report = archAddMemory(k, pa, 2 * GiB, { failAtSection: 1 });
    expect(report.error).toBeInstanceOf(OutOfMemoryError);
    expect([translate(k.pt, k.linearVa(pa)), translate(k.pt, k.linearVa(pa + GiB))]).toEqual([-1, -1]);
    expect([k.sections.has(k.sectionOf(pa)), k.sections.has(k.sectionOf(pa) + 1)]).toEqual([true, false]);
    expect(translate(k.pt, sectionVmemmap(k, k.sectionOf(pa))[0])).toBeGreaterThanOrEqual(0);
    expect(brokenInvariants(k)).toEqual([]);
    archRemoveMemory(k, pa, GiB);
    expect(translate(k.pt, sectionVmemmap(k, k.sectionOf(pa))[0])).toBe(-1);
    expect(brokenInvariants(k)).toEqual([]);
  });
});
