import { describe, expect, it } from 'vitest';
import { fromKva, kvaHex } from '../../src/arch/address';
import { PAGE_KERNEL, PROT_SECT_NORMAL, TABLE_BIT, VALID } from '../../src/arch/descriptor';
import { geometry, levelNamed, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { sharedTopEntry } from '../../src/arch/sharing';
import { HotplugError, KernelWarning } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { POLICIES, policyNamed } from '../../src/hotplug/policy';
import {
  archRemoveMemory,
  type RemovalReport,
  removePgdMapping,
  sectionVmemmap,
  vmemmapFree,
} from '../../src/hotplug/remove';
import type { TableDecision } from '../../src/hotplug/teardown';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { vmemmapLeafLevel, vmemmapPopulate } from '../../src/mappings/vmemmap';
import { PageState } from '../../src/memory/page';
import { runToEnd, type Steps } from '../../src/tables/step';
import type { TraceEvent } from '../../src/tables/trace';
import { walk } from '../../src/tables/walker';
import { sharedKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

const GiB = 2 ** 30;

/**
 * A kernel with one hot-added section far from boot memory, so that its tables are its own: 4K/48
 * block-mapped (a PUD block in a PUD table of its own; vmemmap PMD blocks in fresh PMD tables), or
 * 64K/48 page-mapped (16,384 PTEs in two PTE tables), and the like on the other configurations.
 */
function withSection(config: string, paged = false): { k: Kernel; pa: number } {
  const k = new Kernel({ config, bootSize: paged ? 128 * 2 ** 20 : GiB, rodataFull: paged, vmallocAreas: [] });
  const reach = k.layout.pageEnd - k.layout.pageOffset;
  const pa = k.physOffset + Math.min(512 * GiB, reach / 2);
  archAddMemory(k, pa, GiB);
  return { k, pa };
}

/**
 * The trace as letters: C clear, T last-level TLBI, W walk-cache TLBI, A flush_tlb_all, B backing
 * pages freed, P table page freed.
 */
function letters(events: readonly TraceEvent[]): string {
  const letter = (e: TraceEvent): string =>
    ({
      clear: 'C',
      'invalidate-tlb': 'T',
      'invalidate-walk': 'W',
      'invalidate-all': 'A',
      free: e.note === 'table page' ? 'P' : 'B',
      allocate: '?',
      install: '?',
      write: '?',
    })[e.op];
  return events.map(letter).join('');
}

function removeSection(config: string, policy: string, paged = false): { k: Kernel; report: RemovalReport } {
  const { k, pa } = withSection(config, paged);
  const report = archRemoveMemory(k, pa, GiB, { policy });
  expect(brokenInvariants(k)).toEqual([]);
  return { k, report };
}

describe('the two passes, in order', () => {
  it.each([
    ['4K/48', false],
    ['64K/48', true],
  ])(
    '%s (page-mapped: %s), v5.7: every leaf is cleared, invalidated (and its backing freed) before any table is freed; a table is freed after its parent entry is cleared and the walk cache invalidated',
    (config, paged) => {
      const { k, report } = removeSection(config, 'v5.7', paged);
      const trace = letters(k.pt.trace.since(report.mark));
      // vmemmap_free per section (leaves with backing), then __remove_pgd_mapping (leaves without).
      expect(trace).toMatch(/^(CTB)+(CWP)+(CT)+(CWP)+$/);
    },
  );

  it('x86, blocks: backing freed before the block is cleared, no TLBI; each table freed before its parent entry is cleared, right after its own entries; no PUD table freed; flush_tlb_all at the end of each call', () => {
    const { k, report } = removeSection('4K/48', 'x86');
    // vmemmap: one block under the first PMD table, seven under the second; linear map: one PUD block.
    expect(letters(k.pt.trace.since(report.mark))).toMatch(/^BCPC(BC){7}PCACA$/);
    const puds = report.parts.flatMap((p) => p.decisions).filter((d) => d.level === 'PUD');
    expect(puds.length).toBeGreaterThan(0);
    expect(puds.every((d) => !d.freed && d.reason === 'policy leaves tables')).toBe(true);
  });

  it('x86, pages: flush_tlb_all after each PTE table’s leaves, then that table freed before its PMD entry is cleared', () => {
    const { k, report } = removeSection('64K/48', 'x86', true);
    // The linear map, last: two PTE tables of 8,192 pages (the PMD table above them also maps boot memory).
    expect(letters(k.pt.trace.since(report.mark))).toMatch(/A(C{8192}APC){2}A$/);
  });

  it('pass 2 is post-order: a table is decided after every table below it', () => {
    const { k, report } = removeSection('16K/48', 'v5.7');
    const depth = (level: string) => k.geo.levels.findIndex((l) => l.name === level);
    for (const part of report.parts) {
      const late = part.decisions.flatMap((parent, i) =>
        part.decisions
          .slice(i + 1)
          .filter((d) => depth(d.level) > depth(parent.level) && d.va >= parent.va && d.va < parent.va + parent.span),
      );
      expect(late).toEqual([]);
      expect(part.decisions.map((d) => d.level)).toEqual(
        part === report.parts[0] ? ['PTE', 'PTE', 'PMD', 'PUD'] : ['PMD', 'PUD'],
      );
    }
  });
});

describe('floor and ceiling per policy', () => {
  const { k, report } = removeSection('4K/48', 'v5.7');
  const [vmemmap, linear] = report.parts;
  const u64 = (kva: number) => fromKva(k.geo, kva);

  it('v5.7: vmemmap_free gets [VMEMMAP_START, VMEMMAP_END), __remove_pgd_mapping [PAGE_OFFSET, PAGE_END)', () => {
    expect([vmemmap?.caller, vmemmap?.floor, vmemmap?.ceiling]).toEqual([
      'vmemmap_free',
      u64(k.layout.vmemmapStart),
      u64(k.layout.vmemmapEnd),
    ]);
    expect([linear?.caller, linear?.floor, linear?.ceiling]).toEqual([
      '__remove_pgd_mapping',
      u64(k.layout.pageOffset),
      u64(k.layout.pageEnd),
    ]);
  });

  it('range: each call gets the range it unmaps', () => {
    for (const part of removeSection('4K/48', 'range').report.parts) {
      expect([part.floor, part.ceiling]).toEqual([u64(part.start), u64(part.end)]);
    }
  });

  it.each(['empty-only', 'v7', 'x86'])('%s: no bound (floor 0, ceiling 0 = the top)', (policy) => {
    for (const part of removeSection('4K/48', policy).report.parts)
      expect([part.floor, part.ceiling]).toEqual([0n, 0n]);
  });
});

// Every configuration: features/hot-remove/one-function-serves-both-callers.feature shows a few.
describe('both callers of free_empty_tables on the section at 8 GiB', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: the ranges they unmap, their floor and ceiling under v5.7 and range, and only vmemmap_free frees what its leaves mapped',
    (config) => {
      const base = new Kernel({ config, rodataFull: false });
      const pa = 0x2_0000_0000;
      for (const policy of ['v5.7', 'range']) {
        const k = base.clone();
        archAddMemory(k, pa, GiB);
        const mark = k.pt.trace.mark();
        const [vmemmap, linear] = archRemoveMemory(k, pa, GiB, { policy }).parts;
        const u64 = (kva: number) => fromKva(k.geo, kva);
        const [vmStart, vmEnd] = sectionVmemmap(k, k.sectionOf(pa));
        expect([vmemmap?.caller, vmemmap?.start, vmemmap?.end]).toEqual(['vmemmap_free', vmStart, vmEnd]);
        expect([linear?.caller, linear?.start, linear?.end]).toEqual([
          '__remove_pgd_mapping',
          k.linearVa(pa),
          k.linearVa(pa) + GiB,
        ]);
        const bounds =
          policy === 'v5.7'
            ? [k.layout.vmemmapStart, k.layout.vmemmapEnd, k.layout.pageOffset, k.layout.pageEnd]
            : [vmStart, vmEnd, k.linearVa(pa), k.linearVa(pa) + GiB];
        expect([vmemmap?.floor, vmemmap?.ceiling, linear?.floor, linear?.ceiling]).toEqual(bounds.map(u64));
        const backing = k.pt.trace.since(mark).filter((e) => e.op === 'free' && e.note !== 'table page');
        expect(backing.length).toBe(k.sectionVmemmapSize / vmemmapLeafLevel(k).entrySize);
      }
    },
  );
});

describe('what each policy keeps', () => {
  // Every configuration: features/hot-remove/freed-only-within-floor-and-ceiling.feature shows a few.
  it.each(SUPPORTED_CONFIGS.flatMap((config) => ['range', 'v5.7'].map((policy) => [config, policy])))(
    '%s, %s: two PTE tables torn down from their second page: the first kept (below the floor, or for its entry), the second freed',
    (config, policy) => {
      const k = sharedKernel(config).clone();
      const pa = 0x2_0000_0000;
      const span = k.geo.levels.at(-2)?.entrySize ?? 0;
      const flags = NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
      createPgdMapping(k.pt, {
        phys: pa,
        virt: k.linearVa(pa),
        size: 2 * span,
        prot: PAGE_KERNEL,
        flags,
        actor: 'test',
      });
      const from = k.linearVa(pa) + k.geo.pageSize;
      const report = runToEnd(removePgdMapping(k, k.pt.pgd, from, 2 * span - k.geo.pageSize, { policy }));
      const ptes = report.decisions.filter((d) => d.level === 'PTE');
      expect(ptes.map((d) => d.va)).toEqual([k.linearVa(pa), k.linearVa(pa) + span]);
      expect(ptes[0]).toMatchObject(
        policy === 'range'
          ? { freed: false, reason: 'outside floor/ceiling', verdict: 'below-floor' }
          : { freed: false, reason: 'entries left', live: 1 },
      );
      expect(ptes[1]).toMatchObject({ freed: true });
    },
  );

  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: never keeps every table, for the policy, and frees none',
    (config) => {
      const { k, report } = removeSection(config, 'never');
      const decisions = report.parts.flatMap((p) => p.decisions);
      expect(decisions.length).toBeGreaterThan(0);
      expect(decisions.filter((d) => d.freed || d.reason !== 'policy leaves tables')).toEqual([]);
      expect(letters(k.pt.trace.since(report.mark))).not.toContain('P');
    },
  );

  it.each(SUPPORTED_CONFIGS.map((c) => [c, sharedTopEntry(layout(geometry(c))).shared]))(
    '%s: v7 skips vmemmap table freeing exactly when vmalloc and vmemmap share a PGD entry (%s)',
    (config, shared) => {
      const { report } = removeSection(config, 'v7');
      const [vmemmap, linear] = report.parts;
      const skipped = (vmemmap?.decisions ?? []).filter((d) => d.reason === 'vmemmap shares a PGD entry with vmalloc');
      expect(skipped.length).toBe(shared ? vmemmap?.decisions.length : 0);
      expect(linear?.decisions.some((d) => d.reason === 'vmemmap shares a PGD entry with vmalloc')).toBe(false);
    },
  );

  it('v5.7 on 16K/48 keeps the PUD table vmemmap shares with vmalloc: below the floor', () => {
    const { k, report } = removeSection('16K/48', 'v5.7');
    const shared = report.parts[0]?.decisions.find((d) => d.level === 'PUD');
    expect(shared).toMatchObject({ freed: false, reason: 'outside floor/ceiling', verdict: 'below-floor' });
    expect(shared?.va).toBe(sharedTopEntry(k.layout).tables[0]?.start);
  });

  // features/hot-remove/tables-shared-with-vmalloc-are-never-freed.feature shows a few of these.
  it.each(['4K/48', '16K/48'].flatMap((config) => ['v5.7', 'range'].map((policy) => [config, policy])))(
    '%s, %s: a section next to boot memory, in the middle or last in reach leaves the shared table — kept below the floor, or never visited',
    (config, policy) => {
      const boot = new Kernel({ config, rodataFull: false });
      const reach = boot.layout.pageEnd - boot.layout.pageOffset;
      for (const pa of [0x2_0000_0000, boot.physOffset + reach / 2, boot.physOffset + reach - GiB]) {
        const k = boot.clone();
        archAddMemory(k, pa, GiB);
        const report = archRemoveMemory(k, pa, GiB, { policy });
        const sharedVa = sharedTopEntry(k.layout).tables[0]?.start;
        const seen = report.parts.flatMap((p) => p.decisions).filter((d) => d.level === 'PUD' && d.va === sharedVa);
        const kept = { freed: false, reason: 'outside floor/ceiling', verdict: 'below-floor' };
        expect(seen, `section at ${pa}`).toEqual(config === '4K/48' ? [] : [expect.objectContaining(kept)]);
      }
    },
  );

  /** Clears every entry of the table vmalloc and vmemmap share (the feature's constructed state). */
  const stripShared = (k: Kernel): number => {
    const first = sharedTopEntry(k.layout).tables[0];
    const step = first && walk(k.pt, first.start).steps[1];
    if (!first || !step) throw new Error('no shared table');
    const level = step.level;
    const words = k.pt.words(step.table, 'test');
    for (let i = 0; i < level.entries; i++) {
      if ((words[2 * i] ?? 0) | (words[2 * i + 1] ?? 0)) {
        k.pt.clearEntry(step.table, level.depth, i, first.start + i * level.entrySize, 'constructed');
      }
    }
    return first.start;
  };
  const belowFloor = { freed: false, reason: 'outside floor/ceiling', verdict: 'below-floor' };
  const v7Kept = { freed: false, reason: 'vmemmap shares a PGD entry with vmalloc' };

  it.each([
    ['4K/48', 'v5.7', belowFloor, belowFloor],
    ['4K/48', 'empty-only', { freed: true }, { freed: true, warning: 'static (kernel image)' }],
    ['4K/48', 'v7', v7Kept, v7Kept],
    ['16K/48', 'v5.7', { freed: true }, belowFloor],
    ['16K/48', 'empty-only', { freed: true }, { freed: true, warning: 'reserved (boot)' }],
    ['16K/48', 'v7', v7Kept, v7Kept],
  ])(
    '%s, %s, the shared table stripped of everything: the PMD table below it and the shared table',
    (config, policy, pmd, pud) => {
      const k = new Kernel({ config, rodataFull: false });
      const sharedVa = stripShared(k);
      // 4K/48: the struct pages under PGD entry 507, its last 2M; 16K/48: a hot-added section's.
      const start = config === '4K/48' ? k.layout.vmemmapStart : k.vmemmapVa(0x2_0000_0000 / k.geo.pageSize);
      let decisions: readonly TableDecision[];
      if (config === '4K/48') {
        const end = start + 2 * 2 ** 20;
        vmemmapPopulate(k, start, end, undefined, 'vmemmap');
        decisions = runToEnd(vmemmapFree(k, start, end, { policy })).decisions;
      } else {
        archAddMemory(k, 0x2_0000_0000, GiB);
        decisions = archRemoveMemory(k, 0x2_0000_0000, GiB, { policy }).parts.flatMap((p) => p.decisions);
      }
      const pmdDecision = decisions.find((d) => d.level === 'PMD' && d.va <= start && start < d.va + d.span);
      expect(pmdDecision).toMatchObject(pmd);
      expect(decisions.find((d) => d.level === 'PUD' && d.va === sharedVa)).toMatchObject(pud);
    },
  );

  it('v5.7 frees the tables that held only the section: 4K/48 vmemmap PMD tables and the linear PUD table', () => {
    const { report } = removeSection('4K/48', 'v5.7');
    const summary = report.parts.map((p) => p.decisions.map((d) => `${d.level} ${d.reason}`));
    expect(summary).toEqual([['PMD freed', 'PMD freed', 'PUD entries left'], ['PUD freed']]);
  });

  it('a table that keeps live entries says how many', () => {
    const { report } = removeSection('4K/48', 'v5.7');
    expect(report.parts[0]?.decisions.at(-1)).toMatchObject({ level: 'PUD', reason: 'entries left', live: 1 });
  });

  it('without the all-none scan (the concurrency issue’s injected no-scan bug) that table is freed, live entry and all', () => {
    const { k, pa } = withSection('4K/48');
    const report = archRemoveMemory(k, pa, GiB, { policy: { ...policyNamed('v5.7'), name: 'no-scan', scan: false } });
    expect(report.parts[0]?.decisions.at(-1)).toMatchObject({ level: 'PUD', freed: true, reason: 'freed' });
  });

  it('a boot (memblock) table that empty-only finds empty is freed after free_hotplug_page_range’s WARN', () => {
    const k = new Kernel({ config: '4K/48', bootSize: GiB, rodataFull: false, vmallocAreas: [] });
    const pud = walk(k.pt, k.linearVa(k.physOffset)).steps[1];
    if (!pud) throw new Error('no PUD table');
    const report = runToEnd(removePgdMapping(k, k.pt.pgd, k.linearVa(k.physOffset), GiB, { policy: 'empty-only' }));
    expect(report.decisions.map((d) => [d.level, d.freed, d.reason, d.warning])).toEqual([
      ['PUD', true, 'freed', 'reserved (boot)'],
    ]);
    expect(k.mem.state(pud.table)).toBe(PageState.Poisoned);
    expect(k.alloc.available(0)).toBeGreaterThan(0);
    expect(brokenInvariants(k)).toEqual([]);
  });

  it('v5.7 frees no boot table when boot memory’s linear map is torn down, though it may be eligible', () => {
    const k = new Kernel({ config: '4K/48', bootSize: GiB, rodataFull: false, vmallocAreas: [] });
    archAddMemory(k, k.physOffset + GiB, GiB);
    const report = archRemoveMemory(k, k.physOffset + GiB, GiB);
    const pud = report.parts.at(-1)?.decisions.find((d) => d.level === 'PUD');
    expect(pud).toMatchObject({ freed: false, reason: 'entries left', live: 1 });
    expect(k.mem.state(pud?.pfn ?? -1)).toBe(PageState.Reserved);
  });
});

describe('WARN_ON conditions: refused before anything changes', () => {
  const refuses = (k: Kernel, run: () => unknown, rule: RegExp) => {
    const before = snapshot(k);
    expect(run).toThrow(KernelWarning);
    expect(run).toThrow(rule);
    expect(snapshot(k)).toBe(before);
  };

  it('__remove_pgd_mapping with a pgdir other than init_mm’s', () => {
    const { k, pa } = withSection('4K/48');
    refuses(k, () => runToEnd(removePgdMapping(k, k.pt.pgd + 1, k.linearVa(pa), GiB)), /init_mm/);
  });

  it.each([
    ['ends above PAGE_END', (k: Kernel) => [k.layout.pageEnd - GiB, 2 * GiB]],
    ['starts below PAGE_OFFSET', (k: Kernel) => [k.layout.pageOffset - k.geo.pageSize, 2 * k.geo.pageSize]],
    ['is empty', (k: Kernel) => [k.layout.pageOffset, 0]],
  ])('__remove_pgd_mapping of a range that %s', (_why, range) => {
    const { k } = withSection('4K/48');
    const [start, size] = range(k) as [number, number];
    refuses(k, () => runToEnd(removePgdMapping(k, k.pt.pgd, start, size)), /PAGE_OFFSET, PAGE_END/);
  });

  it.each([
    ['starts below VMEMMAP_START', (k: Kernel) => [k.layout.vmemmapStart - k.geo.pageSize, k.layout.vmemmapStart]],
    ['ends above VMEMMAP_END', (k: Kernel) => [k.layout.vmemmapEnd - k.geo.pageSize, k.layout.vmemmapEnd + 1]],
    ['is empty', (k: Kernel) => [k.layout.vmemmapStart, k.layout.vmemmapStart]],
  ])('vmemmap_free of a range that %s', (_why, range) => {
    const { k } = withSection('4K/48');
    const [start, end] = range(k) as [number, number];
    refuses(k, () => runToEnd(vmemmapFree(k, start, end)), /VMEMMAP_START, VMEMMAP_END/);
  });

  // Every configuration: the edges features/hot-remove/warnings-refuse-bad-input.feature shows on a few.
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: a page across PAGE_OFFSET or PAGE_END, or 64K across VMEMMAP_START or VMEMMAP_END, is refused by its own start or end',
    (config) => {
      const k = sharedKernel(config);
      const { pageOffset, pageEnd, vmemmapStart, vmemmapEnd } = k.layout;
      const page = k.geo.pageSize;
      const [linear, vmemmap] = [/PAGE_OFFSET, PAGE_END/, /VMEMMAP_START, VMEMMAP_END/];
      const hex = (va: number) => kvaHex(k.geo, va);
      const cases: [() => Steps<unknown>, RegExp, Record<string, string>][] = [
        [() => removePgdMapping(k, k.pt.pgd, pageOffset - page, page), linear, { start: hex(pageOffset - page) }],
        [() => removePgdMapping(k, k.pt.pgd, pageEnd - page, 2 * page), linear, { end: hex(pageEnd + page) }],
        [
          () => vmemmapFree(k, vmemmapStart - 0x10000, vmemmapStart + 0x10000),
          vmemmap,
          { start: hex(vmemmapStart - 0x10000) },
        ],
        [() => vmemmapFree(k, vmemmapEnd - 0x10000, vmemmapEnd + 0x10000), vmemmap, { end: hex(vmemmapEnd + 0x10000) }],
      ];
      for (const [steps, rule, values] of cases) {
        refuses(k, () => runToEnd(steps()), rule);
        expect((refusal(() => runToEnd(steps())) as KernelWarning).values).toMatchObject(values);
      }
    },
  );

  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: vmemmap_free of boot memory would free reserved (memblock) pages',
    (config) => {
      const k = new Kernel({ config, bootSize: GiB, rodataFull: false, vmallocAreas: [] });
      const [start, end] = sectionVmemmap(k, k.sectionOf(k.physOffset));
      refuses(k, () => runToEnd(vmemmapFree(k, start, end)), /reserved/);
    },
  );

  it('a PTE that is not none but not valid, found by arch_remove_memory: nothing is torn down', () => {
    const { k, pa } = withSection('64K/48', true);
    const pte = walk(k.pt, k.linearVa(pa) + 5 * k.geo.pageSize).steps.at(-1);
    if (!pte) throw new Error('no walk');
    k.pt.writeEntry(pte.table, pte.level.depth, pte.index, PAGE_KERNEL.lo & ~VALID, PAGE_KERNEL.hi, 0, 'test');
    refuses(k, () => archRemoveMemory(k, pa, GiB), /neither none nor present/);
  });

  it('a PTE with the reserved encoding (valid, not a page) is present to the kernel and is cleared', () => {
    const { k, pa } = withSection('64K/48', true);
    const pte = walk(k.pt, k.linearVa(pa)).steps.at(-1);
    if (!pte) throw new Error('no walk');
    k.pt.writeEntry(pte.table, pte.level.depth, pte.index, PAGE_KERNEL.lo & ~TABLE_BIT, PAGE_KERNEL.hi, 0, 'test');
    archRemoveMemory(k, pa, GiB);
    expect(walk(k.pt, k.linearVa(pa)).pa).toBeUndefined();
  });

  it('16K/48: a block descriptor at the PUD level, where 16K allows none, is torn down as a block (pud_sect)', () => {
    const { k, pa } = withSection('16K/48');
    const pud = levelNamed(k.geo, 'PUD');
    const step = walk(k.pt, k.linearVa(pa)).steps.find((s) => s.level === pud);
    if (!step || !pud) throw new Error('no PUD step');
    k.pt.writeEntry(step.table, pud.depth, step.index, PROT_SECT_NORMAL.lo, PROT_SECT_NORMAL.hi, 0, 'test');
    archRemoveMemory(k, pa, GiB);
    const after = walk(k.pt, k.linearVa(pa)).steps.find((s) => s.level === pud);
    expect(after?.lo).toBe(0);
  });
});

describe('arch_remove_memory refuses what is not removable hot-added memory', () => {
  const refuses = (k: Kernel, start: number, size: number, rule: RegExp) => {
    const before = snapshot(k);
    expect(() => archRemoveMemory(k, start, size)).toThrow(HotplugError);
    expect(() => archRemoveMemory(k, start, size)).toThrow(rule);
    expect(snapshot(k)).toBe(before);
  };

  it('boot memory', () => {
    const { k } = withSection('4K/48');
    refuses(k, k.physOffset, GiB, /boot memory/);
  });

  it.each([
    ['an unaligned start', 2 ** 21, GiB],
    ['half a section', 0, GiB / 2],
    ['nothing', 0, 0],
  ])('%s', (_why, offset, size) => {
    const { k, pa } = withSection('4K/48');
    refuses(k, pa + offset, size, /whole sections/);
  });

  it('memory that is not present', () => {
    const { k, pa } = withSection('4K/48');
    refuses(k, pa + GiB, GiB, /present/);
  });

  it('part of a hot-add whose vmemmap lives in its altmap', () => {
    const k = new Kernel({ config: '4K/48', bootSize: GiB, rodataFull: false, vmallocAreas: [] });
    archAddMemory(k, 4 * GiB, 2 * GiB, { altmap: true });
    refuses(k, 5 * GiB, GiB, /altmap/);
  });
});

it('the policies the model knows', () => {
  expect(Object.keys(POLICIES)).toEqual(['v5.7', 'range', 'empty-only', 'v7', 'x86', 'never']);
});
