import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { type Level, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { Owner, PageState } from '../../src/memory/page';
import { MEM_HOTPLUG_LOCK } from '../../src/tables/locks';
import { STATIC_TABLE_NAMES } from '../../src/tables/page-tables';
import { tableIsEmpty } from '../../src/tables/tree';
import { walk } from '../../src/tables/walker';
import { freshTables, sharedKernel } from '../support/kernels';

describe('init_mm’s page tables', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: every change is recorded in order, naming actor, level, table, entry and address',
    (config) => {
      const pt = freshTables(config, 2 ** 24);
      pt.trace.recording = true;
      const last = pt.geo.levels.length - 1;
      const va = 7 * (pt.geo.levels[last]?.entrySize ?? 0);
      const mark = pt.trace.mark();
      const tables = [pt.pgd];
      for (let depth = 1; depth <= last; depth++) {
        const child = pt.allocTable(depth, 'vmalloc');
        const parent = tables[depth - 1] ?? 0;
        pt.install(parent, depth - 1, pt.index(pt.geo.levels[depth - 1] as Level, va), child, va, 'vmalloc');
        tables.push(child);
      }
      const pte = tables[last] ?? 0;
      // The high half holds PA bits 32 and up: the page at 4G.
      pt.writeEntry(pte, last, 7, PAGE_KERNEL.lo, 1, va, 'vmalloc');
      expect(walk(pt, va).steps.map((s) => s.table)).toEqual(tables);
      expect(walk(pt, va).pa).toBe(2 ** 32);
      const names = pt.geo.levels.map((l) => l.name);
      expect(walk(pt, va + pt.geo.pageSize)).toMatchObject({ fault: 'none', stoppedAt: { name: names[last] } });
      pt.writeEntry(pte, last, 8, 0x1, 0x400, va + pt.geo.pageSize, 'test');
      expect(walk(pt, va + pt.geo.pageSize)).toMatchObject({ fault: 'reserved', stoppedAt: { name: names[last] } });
      const cached = { depth: last, table: pte };
      expect(walk(pt, va, 'cpu1', cached).steps.map((s) => s.table)).toEqual([pte]);
      pt.clearEntry(pte, last, 8, va + pt.geo.pageSize, 'test');
      pt.clearEntry(pte, last, 7, va, 'hot-remove');
      expect(tableIsEmpty(pt, pte, pt.geo.ptrsPerTable, 'test')).toBe(true);
      pt.invalidateLeaf(va, 'hot-remove');
      pt.invalidateWalk(va, 'hot-remove');
      const inUse = pt.alloc.inUse.get(Owner.PageTable) ?? 0;
      pt.freeTable(pte, 'hot-remove');
      expect(pt.alloc.inUse.get(Owner.PageTable)).toBe(inUse - 1);
      const page = pt.alloc.alloc(0, Owner.Vmalloc);
      pt.freeTable(page, 'vfree');
      pt.invalidateAll('hot-remove');
      expect(pt.trace.since(mark)).toEqual([
        ...tables.slice(1).flatMap((pfn, i) => [
          { op: 'allocate', actor: 'vmalloc', pfn, level: names[i + 1], note: 'table page' },
          {
            op: 'install',
            actor: 'vmalloc',
            level: names[i],
            pfn: tables[i],
            index: Math.floor(va / (pt.geo.levels[i]?.entrySize ?? 1)) % (pt.geo.levels[i]?.entries ?? 1),
            va,
          },
        ]),
        { op: 'write', actor: 'vmalloc', level: names[last], pfn: pte, index: 7, va },
        { op: 'write', actor: 'test', level: names[last], pfn: pte, index: 8, va: va + pt.geo.pageSize },
        { op: 'clear', actor: 'test', level: names[last], pfn: pte, index: 8, va: va + pt.geo.pageSize },
        { op: 'clear', actor: 'hot-remove', level: names[last], pfn: pte, index: 7, va },
        { op: 'invalidate-tlb', actor: 'hot-remove', va },
        { op: 'invalidate-walk', actor: 'hot-remove', va },
        { op: 'free', actor: 'hot-remove', pfn: pte, level: names[last], note: 'table page' },
        { op: 'free', actor: 'vfree', pfn: page, level: undefined, note: 'table page' },
        { op: 'invalidate-all', actor: 'hot-remove' },
      ]);
      expect(pt.trace.counts).toMatchObject({ allocate: last, install: last, free: 2, 'invalidate-all': 1 });
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: the kernel image’s tables go by their kernel names; no other table does',
    (config) => {
      const k = sharedKernel(config);
      const named = [...k.pt.staticTables].map((pfn) => [k.mem.tableDepth(pfn), k.pt.isStatic(pfn)]);
      expect(named.every(([depth, isStatic]) => depth !== undefined && isStatic)).toBe(true);
      expect(k.pt.staticName(k.pt.pgd, 'PGD')).toBe('swapper_pg_dir');
      for (const pfn of k.pt.staticTables) {
        const level = k.geo.levels[k.mem.tableDepth(pfn) ?? 0]?.name ?? 'PGD';
        if (level !== 'P4D') expect(k.pt.staticName(pfn, level)).toBe(STATIC_TABLE_NAMES[level]);
      }
      const other = walk(k.pt, k.layout.pageOffset).steps[1]?.table ?? 0;
      expect([k.pt.isStatic(other), k.pt.staticName(other, 'PMD')]).toEqual([false, undefined]);
    },
  );

  it.each(['4K/48', '64K/42'])(
    '%s: a PageReserved table built at boot is freed all the same (the caller warns), counted in use by nobody',
    (config) => {
      const k = sharedKernel(config);
      const boot = walk(k.pt, k.layout.pageOffset).steps.at(-1)?.table ?? 0;
      expect([k.mem.state(boot), k.pt.isStatic(boot)]).toEqual([PageState.Reserved, false]);
      const inUse = [...k.alloc.inUse];
      const copy = k.clone();
      copy.pt.freeTable(boot, 'hot-remove');
      expect([copy.mem.state(boot), copy.mem.isLiveTable(boot), [...copy.alloc.inUse]]).toEqual([
        PageState.Poisoned,
        false,
        inUse,
      ]);
    },
  );

  it('a copy keeps the static tables, the TLB, the locks and whether it records, and then goes its own way', () => {
    const k = sharedKernel('4K/48');
    k.pt.tlb.fillLeaf(3, 0, 2 ** 40);
    k.pt.locks.take({ name: MEM_HOTPLUG_LOCK, mode: 'read' }, 'ptdump');
    const copy = k.pt.clone(k.mem.clone(), k.alloc.clone(k.mem.clone()));
    expect([...copy.staticTables]).toEqual([...k.pt.staticTables]);
    expect([copy.tlb.lookupLeaf(0), copy.locks.heldBy(MEM_HOTPLUG_LOCK), copy.trace.recording]).toEqual([
      2 ** 40,
      ['ptdump'],
      false,
    ]);
    copy.invalidateAll('test');
    copy.locks.release(MEM_HOTPLUG_LOCK, 'ptdump');
    expect([k.pt.tlb.lookupLeaf(0), k.pt.locks.heldBy(MEM_HOTPLUG_LOCK), copy.trace.mark()]).toEqual([
      2 ** 40,
      ['ptdump'],
      0,
    ]);
    k.pt.locks.release(MEM_HOTPLUG_LOCK, 'ptdump');
    k.pt.tlb.invalidateAll();
  });
});
