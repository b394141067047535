import { describe, expect, it } from 'vitest';
import { kvaHex } from '../../src/arch/address';
import { HI_CONT, HI_DBM, HI_DIRTY, HI_PROT_NONE, leafDesc, PROT_SECT_NORMAL } from '../../src/arch/descriptor';
import { OutOfMemoryError, RangeRuleError } from '../../src/errors';
import type { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { vmemmapLeafLevel, vmemmapPopulate } from '../../src/mappings/vmemmap';
import { Altmap } from '../../src/memory/altmap';
import { Owner } from '../../src/memory/page';
import { translate, walk } from '../../src/tables/walker';
import { GiB, MiB, smallKernel } from '../support/kernels';
import { leavesIn } from '../support/leaves';
import { refusal } from '../support/refusal';

/** The section at 8 GiB made present (not mapped), with an altmap over its first `pages` pages. */
function sectionWithAltmap(k: Kernel, pages: number): { start: number; end: number; altmap: Altmap } {
  const base = 8 * GiB;
  k.mem.addBlock('hotplug', base, k.geo.sectionSize);
  const start = k.vmemmapVa(base / k.geo.pageSize);
  return { start, end: start + k.sectionVmemmapSize, altmap: new Altmap(k.mem, base / k.geo.pageSize, pages) };
}

describe('vmemmap_populate with an altmap (arm64 after v5.7)', () => {
  it.each(['4K/48', '16K/47'])(
    '%s: every leaf is backed from the altmap, each backing recorded with its page and address',
    (config) => {
      const k = smallKernel(config);
      const { start, end, altmap } = sectionWithAltmap(k, k.sectionVmemmapSize / k.geo.pageSize);
      const mark = k.pt.trace.mark();
      vmemmapPopulate(k, start, end, altmap, 'test');
      const leaves = leavesIn(k.pt, start, end);
      const backing = k.pt.trace.since(mark).filter((e) => e.op === 'allocate' && e.note !== 'table page');
      expect(backing).toEqual(
        leaves.map((l) => ({
          op: 'allocate',
          actor: 'test',
          pfn: l.pa / k.geo.pageSize,
          va: l.va,
          note: 'vmemmap backing (altmap)',
        })),
      );
      expect(leaves.every((l) => k.mem.owner(l.pa / k.geo.pageSize) === Owner.Altmap)).toBe(true);
      expect(altmap.allocated).toBe(altmap.capacity);
    },
  );

  it('16K/47: without one, the backing comes from the allocator and is recorded as such', () => {
    const k = smallKernel('16K/47');
    const { start } = sectionWithAltmap(k, 0);
    const mark = k.pt.trace.mark();
    vmemmapPopulate(k, start, start + 2 * k.geo.pageSize, undefined, 'test');
    const backing = k.pt.trace.since(mark).filter((e) => e.op === 'allocate' && e.note !== 'table page');
    expect(backing.map((e) => [e.note, k.mem.owner(e.pfn ?? -1), e.va])).toEqual([
      ['vmemmap backing', Owner.Vmemmap, start],
      ['vmemmap backing', Owner.Vmemmap, start + k.geo.pageSize],
    ]);
  });

  it.each(['4K/48', '16K/47'])('%s: an altmap one leaf short is refused before anything changes', (config) => {
    const k = smallKernel(config);
    const leaf = vmemmapLeafLevel(k).entrySize;
    const { start, end, altmap } = sectionWithAltmap(k, (k.sectionVmemmapSize - leaf) / k.geo.pageSize);
    const before = snapshot(k);
    const error = refusal(() => vmemmapPopulate(k, start, end, altmap, 'test'));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toContain('vmemmap needs more pages than are available');
    expect(error.message).toContain(`blocks=${k.sectionVmemmapSize / leaf}`);
    expect([snapshot(k), altmap.allocated]).toEqual([before, 0]);
  });
});

describe('vmemmap_populate counts, before anything changes, every table and block it needs', () => {
  // 64 TiB up, the struct pages lie in PGD entries of their own on 4K/48, across a PGD boundary (as
  // VMEMMAP_START lies 2 MiB below one): a PUD and a PMD table on each side are new.
  it('4K/48, the section 64 TiB above PHYS_OFFSET, with no page left: refused naming 4 tables, 8 blocks', () => {
    const k = smallKernel('4K/48');
    while (k.alloc.available(0) > 0) k.alloc.alloc(0, Owner.System);
    const start = k.vmemmapVa((k.physOffset + 64 * 2 ** 40) / k.geo.pageSize);
    expect(walk(k.pt, start).stoppedAt.name).toBe('PGD');
    const before = snapshot(k);
    const error = refusal(() => vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test'));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toContain('tables=4, blocks=8');
    expect(snapshot(k)).toBe(before);
    expect(k.mem.violations).toEqual([]);
  });
});

describe('vmemmap_populate leaves an entry that is not none (p*d_none reads all 64 bits)', () => {
  it('4K/48: a PMD entry holding a table, and one with only its high half set, are kept as they are', () => {
    const k = smallKernel('4K/48');
    const start = k.vmemmapVa((8 * GiB) / k.geo.pageSize);
    const pmd = walk(k.pt, start).steps.at(-1);
    if (pmd?.level.name !== 'PMD') throw new Error('the section at 8 GiB has its struct pages in the boot PMD table');
    const pte = k.pt.allocTable(3, 'test');
    k.pt.install(pmd.table, 2, pmd.index, pte, start, 'test');
    k.pt.writeEntry(pmd.table, 2, pmd.index + 1, 0, HI_PROT_NONE, start + 2 * MiB, 'test');
    const words = [...k.pt.words(pmd.table, 'test').slice(2 * pmd.index, 2 * pmd.index + 4)];
    const before = { counts: { ...k.pt.trace.counts }, alloc: k.alloc.fingerprint() };
    vmemmapPopulate(k, start, start + 4 * MiB, undefined, 'test');
    expect({ counts: k.pt.trace.counts, alloc: k.alloc.fingerprint() }).toEqual(before);
    expect([...k.pt.words(pmd.table, 'test').slice(2 * pmd.index, 2 * pmd.index + 4)]).toEqual(words);
  });
});

describe('what vmemmap_populate writes', () => {
  it('4K/48: PMD blocks of PROT_SECT_NORMAL, with no DBM or dirty bit (PAGE_KERNEL has both) and no CONT', () => {
    const k = smallKernel('4K/48');
    const start = k.vmemmapVa(k.mem.blocks[0]?.firstPfn ?? -1);
    const leaves = leavesIn(k.pt, start, start + k.sectionVmemmapSize);
    expect(leaves.length).toBe(8);
    for (const l of leaves) {
      const desc = leafDesc(l.level, l.pa, PROT_SECT_NORMAL, k.geo.pageShift, false);
      expect([l.level.name, l.lo, l.hi]).toEqual(['PMD', desc.lo, desc.hi]);
      expect(l.hi & (HI_DBM | HI_DIRTY | HI_CONT)).toBe(0);
    }
  });

  it('16K/47: pages of PAGE_KERNEL, never CONT', () => {
    const k = smallKernel('16K/47');
    const start = k.vmemmapVa(k.mem.blocks[0]?.firstPfn ?? -1);
    const leaves = leavesIn(k.pt, start, start + k.sectionVmemmapSize);
    expect(leaves.length).toBe(k.sectionVmemmapSize / k.geo.pageSize);
    expect(leaves.every((l) => l.level.name === 'PTE' && (l.hi & (HI_DBM | HI_DIRTY)) === (HI_DBM | HI_DIRTY))).toBe(
      true,
    );
    expect(leaves.filter((l) => l.cont)).toEqual([]);
  });
});

describe('vmemmap_populate and a leaf where it needs a table', () => {
  it('4K/48: a PUD block in the way is refused, naming the level and the address, before anything changes', () => {
    const k = smallKernel('4K/48', { bootSize: 2 * GiB });
    const start = k.vmemmapVa((k.physOffset + 128 * GiB) / k.geo.pageSize);
    const pud = walk(k.pt, start).steps.find((s) => s.level.name === 'PUD');
    if (pud?.lo !== 0) throw new Error('the struct pages 128 GiB up lie in a none entry of a boot PUD table');
    const block = leafDesc(pud.level, 0x4000_0000, PROT_SECT_NORMAL, k.geo.pageShift, false);
    k.pt.writeEntry(pud.table, 1, pud.index, block.lo, block.hi, start, 'test');
    const before = snapshot(k);
    const error = refusal(() => vmemmapPopulate(k, start, start + k.sectionVmemmapSize, undefined, 'test'));
    expect(error).toBeInstanceOf(RangeRuleError);
    expect(error.message).toContain('vmemmap needs a table where a leaf is mapped');
    expect(error.message).toContain(`level=PUD, va=${kvaHex(k.geo, start)}`);
    expect(snapshot(k)).toBe(before);
  });
});

describe('the ends of [VMEMMAP_START, VMEMMAP_END)', () => {
  it('16K/47: the last page before VMEMMAP_END is populated', () => {
    const k = smallKernel('16K/47');
    const end = k.layout.vmemmapEnd;
    vmemmapPopulate(k, end - k.geo.pageSize, end, undefined, 'test');
    expect(k.mem.owner(translate(k.pt, end - 1) / k.geo.pageSize)).toBe(Owner.Vmemmap);
  });
});

describe('boot memory above 4 GiB: tables whose address needs a descriptor’s high half', () => {
  it.each(['4K/48', '16K/47'])('%s: the struct pages of every boot section are mapped', (config) => {
    const k = smallKernel(config, { bootBase: 36 * GiB, bootSize: 2 * GiB });
    for (const pa of [36 * GiB, 37 * GiB - k.geo.pageSize, 37 * GiB, 38 * GiB - k.geo.pageSize]) {
      const va = k.vmemmapVa(pa / k.geo.pageSize);
      expect(k.mem.owner(Math.floor(translate(k.pt, va) / k.geo.pageSize))).toBe(Owner.Vmemmap);
    }
    expect(k.mem.violations).toEqual([]);
  });
});
