import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType, leafDesc, PAGE_KERNEL } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { OutOfMemoryError, RangeRuleError } from '../errors';
import { Owner } from '../memory/page';
import { PAGE_TABLE_LOCK } from '../tables/locks';
import { runToEnd, type Step, type Steps } from '../tables/step';
import type { Kernel } from './kernel';

/** A vm_struct: [start, start + size) plus one guard page after it, and its backing pages. */
export interface VmArea {
  readonly start: Kva;
  readonly size: number;
  readonly caller: string;
  readonly pages: number[];
}

/**
 * The vmalloc space: areas in [VMALLOC_START, VMALLOC_END) (the kernel image is one, registered at
 * boot), vmalloc() mapping fresh pages into a free range, and vfree().
 */
export class VmallocSpace {
  readonly areas: VmArea[] = [];
  constructor(private readonly k: Kernel) {}

  /** A copy for a cloned kernel. */
  clone(k: Kernel): VmallocSpace {
    const copy = new VmallocSpace(k);
    for (const a of this.areas) copy.areas.push({ ...a, pages: [...a.pages] });
    return copy;
  }

  /** vm_area_add_early: a fixed area (the kernel image). */
  reserve(start: Kva, size: number, caller: string): VmArea {
    const area = { start, size, caller, pages: [] };
    this.areas.push(area);
    this.areas.sort((a, b) => a.start - b.start);
    return area;
  }

  /** The lowest free range of size + a guard page in [VMALLOC_START, VMALLOC_END) (alloc_vmap_area). */
  findFree(size: number, from: Kva = this.k.layout.vmallocStart): Kva {
    const page = this.k.geo.pageSize;
    let candidate = from;
    for (const a of this.areas) {
      if (candidate + size + page <= a.start) break;
      candidate = Math.max(candidate, a.start + a.size + page);
    }
    if (candidate + size + page > this.k.layout.vmallocEnd) {
      throw new OutOfMemoryError('the vmalloc space has no free range of this size', { size });
    }
    return candidate;
  }

  /** vmalloc(): run to the end. */
  vmalloc(size: number, actor: string, at?: Kva): VmArea {
    return runToEnd(this.vmallocSteps(size, actor, at));
  }

  /**
   * vmalloc() step by step: reserve a VA range, allocate the pages, then walk the range once, level by
   * level from the PGD, without a lock, installing each missing table under init_mm.page_table_lock after
   * re-checking the entry (a spare page is freed if another CPU installed one first), and write the PTEs.
   */
  *vmallocSteps(size: number, actor: string, at?: Kva): Steps<VmArea> {
    const k = this.k;
    const page = k.geo.pageSize;
    if (size <= 0 || size % page !== 0) {
      throw new RangeRuleError('vmalloc sizes are whole pages', { size, page });
    }
    // Refused up front, before any walk: the pages and, at worst, a table per page at each lower level.
    const pages = size / page;
    if (k.alloc.available(0) < pages + pages * (k.geo.levels.length - 1)) {
      throw new OutOfMemoryError('vmalloc needs more pages than the allocator has', { size });
    }
    const start = at ?? this.findFree(size);
    const inside = (a: Kva): boolean => a >= k.layout.vmallocStart && a + size + page <= k.layout.vmallocEnd;
    if (at !== undefined && (at % page !== 0 || !inside(at) || this.findFree(size, at) !== at)) {
      throw new RangeRuleError('a vmalloc area must be page-aligned, free and inside [VMALLOC_START, VMALLOC_END)', {
        start: kvaHex(k.geo, at),
        size,
      });
    }
    this.checkWalks(start, size);
    const area = this.reserve(start, size, actor);
    for (let va = start; va < start + size; va += page) {
      yield this.step(actor, 'allocate', [], false, `${actor} allocates a page for ${kvaHex(k.geo, va)}`);
      area.pages.push(k.alloc.alloc(0, Owner.Vmalloc));
    }
    const write = function* (this: VmallocSpace, table: number, level: Level, index: number, va: Kva): Steps {
      yield this.step(actor, 'write', [table], false, `${actor} writes PTE[${index}] for ${kvaHex(k.geo, va)}`, {
        holds: [table],
      });
      const pfn = area.pages[(va - start) / page] as number;
      const desc = leafDesc(level, pfn * page, PAGE_KERNEL, k.geo.pageShift, false);
      k.pt.writeEntry(table, level.depth, index, desc.lo, desc.hi, va, actor);
    };
    yield* this.walkRange(k.pt.pgd, 0, [start, start + size], actor, true, write.bind(this));
    return area;
  }

  /**
   * The lockless walk of [start, end) below `table`, once, level by level (vmalloc: vmap_page_range_noflush
   * → vmap_p*d_range; vfree: vunmap_page_range): each entry the range covers is read and the walk goes
   * down into its table — installed first if the entry is none and `install` is set, else refused — and
   * each PTE of the range is handed to `leaf`.
   */
  private *walkRange(
    table: number,
    depth: number,
    [start, end]: [Kva, Kva],
    actor: string,
    install: boolean,
    leaf: (table: number, level: Level, index: number, va: Kva) => Steps,
  ): Steps {
    const k = this.k;
    const level = k.geo.levels[depth] as Level;
    for (let va = start; va < end; ) {
      const next = Math.min((Math.floor(va / level.entrySize) + 1) * level.entrySize, end);
      const index = k.pt.index(level, va);
      if (level.name === 'PTE') yield* leaf(table, level, index, va);
      else {
        const where = `${level.name}[${index}] of table ${physHex(table * k.geo.pageSize)}`;
        yield this.step(actor, 'read', [table], true, `${actor} reads ${where}`, { holds: [table] });
        if (this.read(table, index, level, actor) === undefined) {
          if (!install) throw new RangeRuleError('vfree found no table on the walk', { va: kvaHex(k.geo, va) });
          yield* this.installTable(table, index, level, va, actor);
        }
        const child = this.read(table, index, level, actor) as number;
        yield* this.walkRange(child, depth + 1, [va, next], actor, install, leaf);
      }
      va = next;
    }
  }

  /**
   * __p*d_alloc: allocate, lock, re-check, install or free the spare, unlock — holding a pointer into
   * the parent. __pud_alloc and __pmd_alloc free a spare under the lock; __pte_alloc_kernel frees it
   * after dropping the lock.
   */
  private *installTable(table: number, index: number, level: Level, va: Kva, actor: string): Steps {
    const k = this.k;
    const holds = [table];
    const lock = { name: PAGE_TABLE_LOCK, mode: 'write' } as const;
    const child = k.geo.levels[level.depth + 1]?.name;
    yield this.step(actor, 'allocate', [], false, `${actor} allocates a ${child} table`, { holds });
    const fresh = k.pt.allocTable(level.depth + 1, actor);
    yield this.step(actor, 'lock', [], false, `${actor} takes ${PAGE_TABLE_LOCK}`, { holds, lock });
    k.pt.locks.take(lock, actor);
    yield this.step(actor, 'read', [table], true, `${actor} re-checks ${level.name}[${index}] under the lock`, {
      holds,
    });
    const spare = this.read(table, index, level, actor) !== undefined;
    if (!spare) {
      const text = `${actor} installs table ${physHex(fresh * k.geo.pageSize)} in ${level.name}[${index}]`;
      yield this.step(actor, 'install', [table, fresh], false, text, { holds });
      k.pt.install(table, level.depth, index, fresh, va, actor);
    }
    if (spare && child !== 'PTE') yield* this.freeSpare(fresh, actor, holds);
    yield this.step(actor, 'unlock', [], false, `${actor} releases ${PAGE_TABLE_LOCK}`, { holds, lock });
    k.pt.locks.release(PAGE_TABLE_LOCK, actor);
    if (spare && child === 'PTE') yield* this.freeSpare(fresh, actor, holds);
  }

  /** p*d_free of a table allocated for an entry another CPU filled first. */
  private *freeSpare(fresh: number, actor: string, holds: number[]): Steps {
    yield this.step(actor, 'free', [fresh], false, `${actor} frees its spare table: another CPU installed one`, {
      holds,
    });
    this.k.pt.freeTable(fresh, actor);
  }

  /** Refuses, before anything changes, a range whose walk would meet a leaf where vmalloc needs a table. */
  private checkWalks(start: Kva, size: number): void {
    const k = this.k;
    for (let va = start; va < start + size; va += k.geo.pageSize) {
      let table: number | undefined = k.pt.pgd;
      for (const level of k.geo.levels.slice(0, -1)) {
        if (table === undefined) break;
        table = this.read(table, k.pt.index(level, va), level, 'vmalloc');
      }
    }
  }

  /** READ_ONCE of a table entry: the next table's page, or undefined when the entry is none. */
  private read(table: number, index: number, level: Level, actor: string): number | undefined {
    const words = this.k.pt.words(table, actor);
    const lo = words[2 * index] ?? 0;
    const hi = words[2 * index + 1] ?? 0;
    const type = descType(level, lo);
    if (type === DescType.Table) return descAddr(lo, hi, this.k.geo.pageShift) / this.k.geo.pageSize;
    if (type === DescType.Invalid && (lo | hi) === 0) return undefined;
    throw new RangeRuleError('vmalloc found a leaf where it needs a table', { level: level.name, index });
  }

  /** vfree(): clear the PTEs, invalidate the TLB for the area, free the pages; tables stay. */
  vfree(area: VmArea, actor: string): void {
    runToEnd(this.vfreeSteps(area, actor));
  }

  *vfreeSteps(area: VmArea, actor: string): Steps {
    const k = this.k;
    const at = this.areas.indexOf(area);
    if (at < 0 || area.pages.length === 0) {
      throw new RangeRuleError('vfree takes an area vmalloc returned and not yet freed', {
        start: kvaHex(k.geo, area.start),
      });
    }
    const page = k.geo.pageSize;
    const clear = function* (this: VmallocSpace, table: number, level: Level, index: number, va: Kva): Steps {
      yield this.step(actor, 'clear', [table], false, `${actor} clears PTE[${index}] for ${kvaHex(k.geo, va)}`);
      k.pt.clearEntry(table, level.depth, index, va, actor);
    };
    yield* this.walkRange(k.pt.pgd, 0, [area.start, area.start + area.size], actor, false, clear.bind(this));
    for (let i = 0; i < area.pages.length; i++) {
      yield this.step(
        actor,
        'invalidate',
        [],
        false,
        `${actor} invalidates the TLB for ${kvaHex(k.geo, area.start + i * page)}`,
      );
      k.pt.invalidateLeaf(area.start + i * page, actor);
    }
    for (const pfn of area.pages) {
      yield this.step(actor, 'free', [pfn], false, `${actor} frees page ${physHex(pfn * page)}`);
      k.alloc.free(pfn, 0, actor);
      k.pt.trace.record({ op: 'free', actor, pfn, note: 'vmalloc page' });
    }
    this.areas.splice(this.areas.indexOf(area), 1);
  }

  private step(
    actor: string,
    op: Step['op'],
    pages: number[],
    readOnly: boolean,
    text: string,
    extra: Partial<Step> = {},
  ): Step {
    return { actor, op, pages, readOnly, text, ...extra };
  }
}
