import { describe, expect, it } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { kvaHex } from '../../src/arch/address';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { RangeRuleError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory, removePgdMapping, type TeardownReport } from '../../src/hotplug/remove';
import { leftAtEdges, strandedTables, worstCase } from '../../src/hotplug/worst-case';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { Owner } from '../../src/memory/page';
import { runToEnd } from '../../src/tables/step';
import { GiB, MiB, smallKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

/** Maps one linear-map page at va to its own physical page, with fresh tables where none exist. */
function mapPage(k: Kernel, va: Kva): void {
  createPgdMapping(k.pt, {
    phys: va - k.layout.pageOffset + k.physOffset,
    virt: va,
    size: k.geo.pageSize,
    prot: PAGE_KERNEL,
    flags: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
    actor: 'test',
  });
}

const removeLinear = (k: Kernel, start: Kva, size: number, policy: string): TeardownReport =>
  runToEnd(removePgdMapping(k, k.pt.pgd, start, size, { policy }));

/** 4K/48: a PGD boundary of the linear map far above the small kernel's boot memory (2 × 512G). */
const B = 2 * 512 * GiB;

describe('leftAtEdges: a table straddles an edge only when the edge lies strictly inside its span', () => {
  it('a range that starts on a PGD boundary leaves nothing at its floor, all three tables at its ceiling', () => {
    const k = smallKernel('4K/48');
    mapPage(k, B);
    const edges = leftAtEdges(k, removeLinear(k, B, k.geo.pageSize, 'range'));
    expect(edges.floor).toEqual([]);
    expect(edges.ceiling.map((d) => d.level)).toEqual(['PTE', 'PMD', 'PUD']);
  });

  it('a range that ends on a PGD boundary leaves nothing at its ceiling, all three tables at its floor', () => {
    const k = smallKernel('4K/48');
    mapPage(k, B - k.geo.pageSize);
    const edges = leftAtEdges(k, removeLinear(k, B - k.geo.pageSize, k.geo.pageSize, 'range'));
    expect(edges.ceiling).toEqual([]);
    expect(edges.floor.map((d) => d.level)).toEqual(['PTE', 'PMD', 'PUD']);
  });

  it('without floor and ceiling (x86 keeps its PUD tables) no table is at an edge: they are all “neither”', () => {
    const k = smallKernel('4K/48');
    mapPage(k, B);
    const report = removeLinear(k, B, k.geo.pageSize, 'x86');
    expect([report.floor, report.ceiling]).toEqual([0n, 0n]);
    const edges = leftAtEdges(k, report);
    expect([edges.floor, edges.ceiling, edges.neither.map((d) => d.level)]).toEqual([[], [], ['PUD']]);
  });

  it('a policy that frees nothing leaves the tables inside the range, at neither edge', () => {
    // 64K/48 from v5.12: a 512M section is one PTE table's span; its PMD table also maps boot memory.
    const k = smallKernel('64K/48', { era: 'v6.12', rodataFull: true });
    const section = k.geo.sectionSize;
    archAddMemory(k, 4 * GiB, section);
    const report = archRemoveMemory(k, 4 * GiB, section, { policy: 'never' }).parts.at(-1) as TeardownReport;
    const edges = leftAtEdges(k, report);
    expect([edges.floor, edges.ceiling, edges.neither.map((d) => [d.level, d.va, d.span])]).toEqual([
      [],
      [],
      [['PTE', k.linearVa(4 * GiB), section]],
    ]);
  });
});

describe('strandedTables', () => {
  it('a table the teardown freed is not counted even when its page later serves as an empty table again', () => {
    const k = smallKernel('4K/48');
    mapPage(k, B);
    const first = removeLinear(k, B, k.geo.pageSize, 'empty-only');
    const freed = first.decisions.filter((d) => d.freed).map((d) => d.pfn);
    expect(freed).toHaveLength(3);
    // Use up the pages the allocator never handed out, so that the next tables come from its free lists.
    let page = k.alloc.alloc(0, Owner.None);
    while (!freed.includes(page)) page = k.alloc.alloc(0, Owner.None);
    k.alloc.free(page, 0, 'test');
    mapPage(k, 2 * B);
    const second = removeLinear(k, 2 * B, k.geo.pageSize, 'never');
    // The freed pages serve again as the new tables, which now map nothing.
    expect(second.decisions.map((d) => d.pfn).sort()).toEqual([...freed].sort());
    expect(strandedTables(k, [first])).toEqual([]);
    expect(strandedTables(k, [second])).toHaveLength(3);
  });
});

describe('worstCase picks a boundary above all present memory, or refuses', () => {
  // v6.12's 64K sections are 512M, as large as one PGD entry of 64K/42: memory can end too close to
  // PAGE_END for two whole entries of any table level to fit above it.
  const top = (k: Kernel): number => k.physOffset + (k.layout.pageEnd - k.layout.pageOffset);

  it('64K/42 (v6.12), memory up to PAGE_END − 1G: the last PGD boundary, above the hot-added section', () => {
    const k = smallKernel('64K/42', { era: 'v6.12' });
    archAddMemory(k, top(k) - 3 * 512 * MiB, 512 * MiB);
    const w = worstCase(k);
    expect([w.crosses, w.boundary]).toEqual(['PGD', k.layout.pageEnd - 512 * MiB]);
    const actors = new Set(k.pt.trace.since(0).map((e) => e.actor));
    expect(actors.has('worst-case')).toBe(true);
  });

  it('64K/42 (v6.12), memory up to PAGE_END − 512M: no free boundary, a RangeRuleError naming the configuration', () => {
    const k = smallKernel('64K/42', { era: 'v6.12' });
    archAddMemory(k, top(k) - 2 * 512 * MiB, 512 * MiB);
    const e = refusal(() => worstCase(k)) as RangeRuleError;
    expect(e).toBeInstanceOf(RangeRuleError);
    expect([e.rule, e.values]).toEqual(['the linear map has no free boundary to cross', { config: '64K/42' }]);
    expect(kvaHex(k.geo, k.layout.pageEnd)).toBe('0xfffffe0000000000');
  });
});
