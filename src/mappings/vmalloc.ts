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
   * vmalloc() step by step: reserve a VA range, allocate the pages, then walk from the PGD without a
   * lock, installing each missing table under init_mm.page_table_lock after re-checking the entry (a
   * spare page is freed if another CPU installed one first), and write the PTEs.
   */
  *vmallocSteps(size: number, actor: string, at?: Kva): Steps<VmArea> {
    const k = this.k;
    const page = k.geo.pageSize;
    if (size <= 0 || size % page !== 0) {
      throw new RangeRuleError('vmalloc sizes are whole pages', { size, page });
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
    const pages = size / page;
    if (k.alloc.available(0) < pages + pages * (k.geo.levels.length - 1)) {
      throw new OutOfMemoryError('vmalloc needs more pages than the allocator has', { size });
    }
    const area = this.reserve(start, size, actor);
    for (let va = start; va < start + size; va += page) {
      yield this.step(actor, 'allocate', [], false, `${actor} allocates a page for ${kvaHex(k.geo, va)}`);
      area.pages.push(k.alloc.alloc(0, Owner.Vmalloc));
    }
    for (let i = 0; i < area.pages.length; i++) {
      const va = start + i * page;
      const pte = yield* this.walkToPte(va, actor);
      const text = `${actor} writes PTE[${pte.index}] for ${kvaHex(k.geo, va)}`;
      yield this.step(actor, 'write', [pte.table], false, text, { holds: [pte.table] });
      const desc = leafDesc(pte.level, (area.pages[i] as number) * page, PAGE_KERNEL, k.geo.pageShift, false);
      k.pt.writeEntry(pte.table, pte.level.depth, pte.index, desc.lo, desc.hi, va, actor);
    }
    return area;
  }

  /** The lockless walk to va's PTE table (vmap_p*d_range with p*d_alloc), allocating tables on the way. */
  private *walkToPte(va: Kva, actor: string): Steps<{ table: number; index: number; level: Level }> {
    const k = this.k;
    let table = k.pt.pgd;
    for (const level of k.geo.levels) {
      const index = k.pt.index(level, va);
      if (level.name === 'PTE') return { table, index, level };
      const where = `${level.name}[${index}] of table ${physHex(table * k.geo.pageSize)}`;
      yield this.step(actor, 'read', [table], true, `${actor} reads ${where}`, { holds: [table] });
      let entry = this.read(table, index, level, actor);
      if (entry === undefined) {
        yield* this.installTable(table, index, level, va, actor);
        entry = this.read(table, index, level, actor);
      }
      table = entry as number;
    }
    throw new Error('walk ran past the PTE level');
  }

  /** __p*d_alloc: allocate, lock, re-check, install or free the spare, unlock — holding a pointer into the parent. */
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
    if (this.read(table, index, level, actor) === undefined) {
      const text = `${actor} installs table ${physHex(fresh * k.geo.pageSize)} in ${level.name}[${index}]`;
      yield this.step(actor, 'install', [table, fresh], false, text, { holds });
      k.pt.install(table, level.depth, index, fresh, va, actor);
    } else {
      yield this.step(actor, 'free', [fresh], false, `${actor} frees its spare table: another CPU installed one`, {
        holds,
      });
      k.pt.freeTable(fresh, actor);
    }
    yield this.step(actor, 'unlock', [], false, `${actor} releases ${PAGE_TABLE_LOCK}`, { holds, lock });
    k.pt.locks.release(PAGE_TABLE_LOCK, actor);
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
    for (let i = 0; i < area.pages.length; i++) {
      const va = area.start + i * page;
      const pte = yield* this.walkExisting(va, actor);
      yield this.step(actor, 'clear', [pte.table], false, `${actor} clears PTE[${pte.index}] for ${kvaHex(k.geo, va)}`);
      k.pt.clearEntry(pte.table, pte.level.depth, pte.index, va, actor);
    }
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

  private *walkExisting(va: Kva, actor: string): Steps<{ table: number; index: number; level: Level }> {
    const k = this.k;
    let table = k.pt.pgd;
    for (const level of k.geo.levels) {
      const index = k.pt.index(level, va);
      if (level.name === 'PTE') return { table, index, level };
      yield this.step(actor, 'read', [table], true, `${actor} reads ${level.name}[${index}]`);
      const next = this.read(table, index, level, actor);
      if (next === undefined) throw new RangeRuleError('vfree found no table on the walk', { va: kvaHex(k.geo, va) });
      table = next;
    }
    throw new Error('walk ran past the PTE level');
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
