import { describe, expect, it } from 'vitest';
import { kvaHex, physHex } from '../../src/arch/address';
import { HI_PROT_NONE, leafDesc, PAGE_KERNEL } from '../../src/arch/descriptor';
import { OutOfMemoryError, RangeRuleError } from '../../src/errors';
import { createPgdMapping } from '../../src/mappings/create-mapping';
import { snapshot } from '../../src/mappings/snapshot';
import { Owner, PageState } from '../../src/memory/page';
import { PAGE_TABLE_LOCK } from '../../src/tables/locks';
import { runToEnd, type Step, type Steps } from '../../src/tables/step';
import { translate, walk } from '../../src/tables/walker';
import { GiB, MiB, smallKernel } from '../support/kernels';
import { leavesIn } from '../support/leaves';
import { refusal } from '../support/refusal';

const LEAF_RULE = 'vmalloc found a leaf where it needs a table';

/** Every step an operation announces, the operation run to its end. */
function stepsOf<T>(steps: Steps<T>): { steps: Step[]; value: T } {
  const out: Step[] = [];
  for (;;) {
    const next = steps.next();
    if (next.done) return { steps: out, value: next.value };
    out.push(next.value);
  }
}

// vmalloc: __vmalloc_area_node allocates the pages first, then map_vm_area walks the range once, level
// by level; a missing table is __pmd_alloc / __pte_alloc_kernel: allocate, lock, re-check, install, unlock.
describe('vmalloc and vfree step by step, as the race explorer interleaves them', () => {
  it('4K/39, two pages where no PMD table is yet: the steps, their pages, locks and words', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    const at = k.layout.vmallocEnd - 64 * page;
    const { steps, value: area } = stepsOf(k.vmalloc.vmallocSteps(2 * page, 'test', at));
    const [pgd, pmd, pte] = walk(k.pt, at).steps.map((s) => s.table) as [number, number, number];
    const [pgdIndex, pmdIndex, pteIndex] = walk(k.pt, at).steps.map((s) => s.index) as [number, number, number];
    const lock = { name: PAGE_TABLE_LOCK, mode: 'write' };
    const at1 = kvaHex(k.geo, at + page);
    const table = (level: string, parent: number, index: number, child: number, childLevel: string): object[] => [
      {
        op: 'read',
        pages: [parent],
        readOnly: true,
        holds: [parent],
        text: `test reads ${level}[${index}] of table ${physHex(parent * page)}`,
      },
      { op: 'allocate', pages: [], readOnly: false, holds: [parent], text: `test allocates a ${childLevel} table` },
      { op: 'lock', pages: [], readOnly: false, holds: [parent], lock, text: `test takes ${PAGE_TABLE_LOCK}` },
      {
        op: 'read',
        pages: [parent],
        readOnly: true,
        holds: [parent],
        text: `test re-checks ${level}[${index}] under the lock`,
      },
      {
        op: 'install',
        pages: [parent, child],
        readOnly: false,
        holds: [parent],
        text: `test installs table ${physHex(child * page)} in ${level}[${index}]`,
      },
      { op: 'unlock', pages: [], readOnly: false, holds: [parent], lock, text: `test releases ${PAGE_TABLE_LOCK}` },
    ];
    expect(steps).toEqual(
      [
        { op: 'allocate', pages: [], readOnly: false, text: `test allocates a page for ${kvaHex(k.geo, at)}` },
        { op: 'allocate', pages: [], readOnly: false, text: `test allocates a page for ${at1}` },
        ...table('PGD', pgd, pgdIndex, pmd, 'PMD'),
        ...table('PMD', pmd, pmdIndex, pte, 'PTE'),
        {
          op: 'write',
          pages: [pte],
          readOnly: false,
          holds: [pte],
          text: `test writes PTE[${pteIndex}] for ${kvaHex(k.geo, at)}`,
        },
        {
          op: 'write',
          pages: [pte],
          readOnly: false,
          holds: [pte],
          text: `test writes PTE[${pteIndex + 1}] for ${at1}`,
        },
      ].map((s) => ({ actor: 'test', ...s })),
    );
    const mark = k.pt.trace.mark();
    const freed = stepsOf(k.vmalloc.vfreeSteps(area, 'test')).steps;
    expect(freed).toEqual(
      [
        {
          op: 'read',
          pages: [pgd],
          readOnly: true,
          holds: [pgd],
          text: `test reads PGD[${pgdIndex}] of table ${physHex(pgd * page)}`,
        },
        {
          op: 'read',
          pages: [pmd],
          readOnly: true,
          holds: [pmd],
          text: `test reads PMD[${pmdIndex}] of table ${physHex(pmd * page)}`,
        },
        { op: 'clear', pages: [pte], readOnly: false, text: `test clears PTE[${pteIndex}] for ${kvaHex(k.geo, at)}` },
        { op: 'clear', pages: [pte], readOnly: false, text: `test clears PTE[${pteIndex + 1}] for ${at1}` },
        { op: 'invalidate', pages: [], readOnly: false, text: `test invalidates the TLB for ${kvaHex(k.geo, at)}` },
        { op: 'invalidate', pages: [], readOnly: false, text: `test invalidates the TLB for ${at1}` },
        ...area.pages.map((pfn) => ({
          op: 'free',
          pages: [pfn],
          readOnly: false,
          text: `test frees page ${physHex(pfn * page)}`,
        })),
      ].map((s) => ({ actor: 'test', ...s })),
    );
    expect(k.pt.trace.since(mark).filter((e) => e.op !== 'clear')).toEqual([
      { op: 'invalidate-tlb', actor: 'test', va: at },
      { op: 'invalidate-tlb', actor: 'test', va: at + page },
      ...area.pages.map((pfn) => ({ op: 'free', actor: 'test', pfn, note: 'vmalloc page' })),
    ]);
  });

  it('4K/39: a vmalloc that finds the PMD table another installed under it frees its spare (__pmd_alloc)', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    const at = k.layout.vmallocEnd - 64 * page;
    const first = k.vmalloc.vmallocSteps(page, 'A', at);
    let next = first.next();
    while (!next.done && next.value.op !== 'lock') next = first.next();
    const spare =
      k.pt.trace
        .since(0)
        .filter((e) => e.op === 'allocate' && e.note === 'table page')
        .at(-1)?.pfn ?? -1;
    expect(k.mem.state(spare)).not.toBe(PageState.Free);
    k.vmalloc.vmalloc(page, 'B', at + 2 * page);
    const rest: Step[] = [];
    for (next = first.next(); !next.done; next = first.next()) rest.push(next.value);
    const [pgd, pmd] = walk(k.pt, at).steps.map((s) => s.table) as [number, number];
    expect(rest.slice(0, 3)).toEqual([
      {
        actor: 'A',
        op: 'read',
        pages: [pgd],
        readOnly: true,
        holds: [pgd],
        text: expect.stringContaining('re-checks'),
      },
      {
        actor: 'A',
        op: 'free',
        pages: [spare],
        readOnly: false,
        holds: [pgd],
        text: 'A frees its spare table: another CPU installed one',
      },
      expect.objectContaining({ actor: 'A', op: 'unlock' }),
    ]);
    expect(pmd).not.toBe(spare);
    expect(k.mem.state(spare)).toBe(PageState.Poisoned);
    expect([translate(k.pt, at) > 0, translate(k.pt, at + 2 * page) > 0]).toEqual([true, true]);
    expect(k.mem.violations).toEqual([]);
  });
  it('4K/39: a vmalloc that finds the PTE table another installed frees its spare after the unlock (__pte_alloc_kernel)', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    // A PMD table already in place: the vmalloc below needs a PTE table only.
    const at = k.layout.vmallocEnd - 64 * page;
    k.vmalloc.vmalloc(page, 'C', at);
    const near = Math.floor(at / (2 * MiB)) * 2 * MiB - 2 * MiB;
    const first = k.vmalloc.vmallocSteps(page, 'A', near);
    let next = first.next();
    while (!next.done && next.value.op !== 'lock') next = first.next();
    k.vmalloc.vmalloc(page, 'B', near + 2 * page);
    const rest: Step[] = [];
    for (next = first.next(); !next.done; next = first.next()) rest.push(next.value);
    expect(rest.slice(0, 3).map((step) => step.op)).toEqual(['read', 'unlock', 'free']);
    expect(rest[2]?.text).toBe('A frees its spare table: another CPU installed one');
    expect([translate(k.pt, near) > 0, translate(k.pt, near + 2 * page) > 0]).toEqual([true, true]);
    expect(k.mem.violations).toEqual([]);
  });
});

describe('where vmalloc puts an area (alloc_vmap_area: the lowest free range, a guard page after it)', () => {
  it('4K/39: in the hole a vfree left, when it fits exactly with its guard page', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    const [, middle] = [1, 2, 1].map((n) => k.vmalloc.vmalloc(n * page, 'test'));
    if (!middle) throw new Error('three areas');
    k.vmalloc.vfree(middle, 'test');
    expect(k.vmalloc.vmalloc(2 * page, 'test').start).toBe(middle.start);
  });

  it('4K/39: up to VMALLOC_END with its guard page, and no further', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    const end = k.layout.vmallocEnd;
    expect(k.vmalloc.findFree(2 * page, end - 3 * page)).toBe(end - 3 * page);
    for (const [size, from] of [
      [2 * page, end - 2 * page],
      [page, end - page],
      [end - k.layout.vmallocStart, k.layout.vmallocStart],
    ] as const) {
      const error = refusal(() => k.vmalloc.findFree(size, from));
      expect(error).toBeInstanceOf(OutOfMemoryError);
      expect(error.message).toContain(`the vmalloc space has no free range of this size (size=${size})`);
    }
    expect(k.vmalloc.vmalloc(page, 'test', end - 2 * page).start).toBe(end - 2 * page);
  });

  it('4K/39: at VMALLOC_START itself (v5.7: the image lies TEXT_OFFSET above it)', () => {
    const k = smallKernel('4K/39');
    const area = k.vmalloc.vmalloc(k.geo.pageSize, 'test', k.layout.vmallocStart);
    expect(translate(k.pt, area.start)).toBe((area.pages[0] ?? -1) * k.geo.pageSize);
  });

  it('4K/39: refuses an unaligned fixed address in a free part, and a partial page, naming the values', () => {
    const k = smallKernel('4K/39');
    const page = k.geo.pageSize;
    const before = snapshot(k);
    const at = k.layout.vmallocEnd - 16 * page + 8;
    expect(refusal(() => k.vmalloc.vmalloc(page, 'test', at)).message).toContain(
      `a vmalloc area must be page-aligned, free and inside [VMALLOC_START, VMALLOC_END) (start=${kvaHex(k.geo, at)}, size=${page})`,
    );
    expect(refusal(() => k.vmalloc.vmalloc(page + 1, 'test')).message).toContain(`size=${page + 1}, page=${page}`);
    expect(snapshot(k)).toBe(before);
  });
});

describe('vmalloc’s up-front count: the pages and, at worst, a table per page at each level below the PGD', () => {
  it.each(['4K/39', '16K/47'])('%s: exactly enough is accepted, one page less refused unchanged', (config) => {
    const k = smallKernel(config);
    const page = k.geo.pageSize;
    const need = 2 * k.geo.levels.length;
    while (k.alloc.available(0) > need - 1) k.alloc.alloc(0, Owner.System);
    const before = snapshot(k);
    const error = refusal(() => k.vmalloc.vmalloc(2 * page, 'test'));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toContain(`vmalloc needs more pages than the allocator has (size=${2 * page})`);
    expect(snapshot(k)).toBe(before);
    const roomy = smallKernel(config);
    while (roomy.alloc.available(0) > need) roomy.alloc.alloc(0, Owner.System);
    expect(roomy.vmalloc.vmalloc(2 * page, 'test').pages.length).toBe(2);
  });
});

describe('vmalloc and an entry that is not a table where it needs one', () => {
  // A PMD block mapped into the vmalloc space outside any area.
  function withBlock(): { k: ReturnType<typeof smallKernel>; block: number } {
    const k = smallKernel('4K/39');
    const block = Math.floor((k.layout.vmallocEnd - 64 * MiB) / (2 * MiB)) * 2 * MiB;
    createPgdMapping(k.pt, { phys: GiB, virt: block, size: 2 * MiB, prot: PAGE_KERNEL, flags: 0, actor: 'test' });
    expect(walk(k.pt, block).stoppedAt.name).toBe('PMD');
    return { k, block };
  }

  it('4K/39: a PMD block inside the range is refused before anything changes, wherever it lies in it', () => {
    const { k, block } = withBlock();
    const page = k.geo.pageSize;
    const before = snapshot(k);
    for (const at of [block, block - page]) {
      const error = refusal(() => k.vmalloc.vmalloc(2 * page, 'test', at));
      expect(error).toBeInstanceOf(RangeRuleError);
      expect(error.message).toContain(`${LEAF_RULE} (level=PMD, index=${k.pt.index(k.geo.levels[1] as never, block)})`);
    }
    expect(snapshot(k)).toBe(before);
    expect(k.mem.violations).toEqual([]);
  });

  it('4K/39: the range just below the block, its guard page on the block, is mapped', () => {
    const { k, block } = withBlock();
    const area = k.vmalloc.vmalloc(k.geo.pageSize, 'test', block - k.geo.pageSize);
    expect(translate(k.pt, area.start)).toBe((area.pages[0] ?? -1) * k.geo.pageSize);
  });

  it('4K/39: a PMD entry with only its high half set is not none: refused', () => {
    const k = smallKernel('4K/39');
    const at = k.layout.vmallocEnd - 64 * MiB;
    k.vmalloc.vmalloc(k.geo.pageSize, 'test', at + 2 * MiB);
    const pmd = walk(k.pt, at + 2 * MiB).steps[1];
    if (pmd?.level.name !== 'PMD') throw new Error('a PMD table above the area');
    k.pt.writeEntry(pmd.table, 1, pmd.index - 1, 0, HI_PROT_NONE, at, 'test');
    const before = snapshot(k);
    expect(refusal(() => k.vmalloc.vmalloc(k.geo.pageSize, 'test', at)).message).toContain(LEAF_RULE);
    expect(snapshot(k)).toBe(before);
  });
});

describe('vfree refuses what it cannot free', () => {
  it('4K/39: the kernel image’s area (vm_area_add_early, no pages), naming its start', () => {
    const k = smallKernel('4K/39');
    const image = k.vmalloc.areas.find((a) => a.start === k.image.va);
    if (!image) throw new Error('the image is a vmalloc area');
    const before = snapshot(k);
    expect(refusal(() => k.vmalloc.vfree(image, 'test')).message).toContain(
      `vfree takes an area vmalloc returned and not yet freed (start=${kvaHex(k.geo, k.image.va)})`,
    );
    expect(snapshot(k)).toBe(before);
  });

  it('4K/39: an area whose PTE table was unhooked under it, naming the address', () => {
    const k = smallKernel('4K/39');
    const area = k.vmalloc.vmalloc(k.geo.pageSize, 'test', k.layout.vmallocEnd - 64 * MiB);
    const pmd = walk(k.pt, area.start).steps[1];
    if (!pmd) throw new Error('a PMD table above the area');
    k.pt.clearEntry(pmd.table, 1, pmd.index, area.start, 'test');
    const error = refusal(() => k.vmalloc.vfree(area, 'test'));
    expect(error).toBeInstanceOf(RangeRuleError);
    expect(error.message).toContain(`vfree found no table on the walk (va=${kvaHex(k.geo, area.start)})`);
    expect(k.pt.trace.counts['invalidate-tlb']).toBe(0);
  });
});

describe('what vmalloc maps', () => {
  it('4K/48, 64 pages at a 64-page boundary: PAGE_KERNEL PTEs, never CONT; no violation on the way', () => {
    const k = smallKernel('4K/48');
    const at = k.layout.vmallocEnd - 256 * MiB;
    const area = k.vmalloc.vmalloc(64 * k.geo.pageSize, 'test', at);
    const leaves = leavesIn(k.pt, at, at + area.size);
    expect(leaves.map((l) => [l.lo, l.hi])).toEqual(
      area.pages.map((pfn) => {
        const d = leafDesc(k.geo.levels[3] as never, pfn * k.geo.pageSize, PAGE_KERNEL, k.geo.pageShift, false);
        return [d.lo, d.hi];
      }),
    );
    expect(k.mem.violations).toEqual([]);
  });

  it.each(['4K/48', '16K/47'])('%s, boot memory above 4 GiB: tables found through their high half', (config) => {
    const k = smallKernel(config, { bootBase: 36 * GiB });
    const [a, b] = [1, 1].map(() => k.vmalloc.vmalloc(k.geo.pageSize, 'test'));
    for (const area of [a, b]) expect(translate(k.pt, area?.start ?? -1)).toBe((area?.pages[0] ?? -1) * k.geo.pageSize);
    runToEnd(k.vmalloc.vfreeSteps(a as never, 'test'));
    expect(translate(k.pt, a?.start ?? -1)).toBe(-1);
    expect(k.mem.violations).toEqual([]);
  });

  it('4K/39: a clone’s areas are its own', () => {
    const k = smallKernel('4K/39');
    const area = k.vmalloc.vmalloc(2 * k.geo.pageSize, 'test');
    const copy = k.clone();
    const theirs = copy.vmalloc.areas.find((a) => a.start === area.start);
    if (!theirs) throw new Error('the clone has the area');
    copy.vmalloc.vfree(theirs, 'test');
    expect(k.vmalloc.areas).toContain(area);
    expect(area.pages.length).toBe(2);
    expect(translate(k.pt, area.start)).toBe((area.pages[0] ?? -1) * k.geo.pageSize);
  });
});
