import type { Kva } from '../arch/address';
import { tableDesc } from '../arch/descriptor';
import type { Geometry, Level, LevelName } from '../arch/geometry';
import type { PageAllocator } from '../memory/allocator';
import { Owner, PageState } from '../memory/page';
import type { PhysMem } from '../memory/physmem';
import { Locks } from './locks';
import { entryIndex, type TableView } from './table-view';
import { Tlb } from './tlb';
import { Trace } from './trace';

/**
 * The kernel's names for the kernel image's static tables, by the level of entries they hold. No P4D
 * table is static: with five levels the fixmap reuses the one the kernel image's mapping allocated.
 */
export const STATIC_TABLE_NAMES: Readonly<Record<Exclude<LevelName, 'P4D'>, string>> = {
  PGD: 'swapper_pg_dir',
  PUD: 'bm_pud',
  PMD: 'bm_pmd',
  PTE: 'bm_pte',
};

/**
 * The kernel's page tables (init_mm): the PGD page (swapper_pg_dir), table pages in physical memory,
 * the static tables of the kernel image, the event trace, and the TLB with its walk cache. Every
 * change of an entry goes through here so that it is recorded in order.
 */
export class PageTables implements TableView {
  readonly trace = new Trace();
  readonly tlb: Tlb;
  /** Table pages inside the kernel image: swapper_pg_dir and the fixmap's bm_pud/bm_pmd/bm_pte. */
  readonly staticTables = new Set<number>();
  /** init_mm.page_table_lock and mem_hotplug_lock. */
  locks = new Locks();

  constructor(
    readonly geo: Geometry,
    readonly mem: PhysMem,
    readonly alloc: PageAllocator,
    /** Page frame of swapper_pg_dir. */
    readonly pgd: number,
    tlb?: Tlb,
  ) {
    this.tlb = tlb ?? new Tlb(geo, mem);
  }

  /** A copy over a cloned memory and allocator: static tables and TLB copied, a fresh trace. */
  clone(mem: PhysMem, alloc: PageAllocator): PageTables {
    const copy = new PageTables(this.geo, mem, alloc, this.pgd, this.tlb.clone(mem));
    for (const pfn of this.staticTables) copy.staticTables.add(pfn);
    copy.locks = this.locks.clone();
    copy.trace.recording = this.trace.recording;
    return copy;
  }

  /** The entry index of an address in a table of a level (p*d_index). */
  index(level: Level, kva: Kva): number {
    return entryIndex(level, kva);
  }

  /** The descriptor words of a table page, read by an accessor (a stale read is reported). */
  words(pfn: number, accessor: string): Uint32Array {
    return this.mem.table(pfn, accessor);
  }

  frozenWords(pfn: number): Uint32Array | undefined {
    return this.mem.frozenTable(pfn);
  }

  /** The descriptor words of a table page, for an accessor about to write entries in it. */
  writableWords(pfn: number, accessor: string): Uint32Array {
    return this.mem.writableTable(pfn, accessor);
  }

  /** pgtable_alloc: a zeroed page for a table of the given depth. */
  allocTable(depth: number, actor: string): number {
    const pfn = this.alloc.alloc(0, Owner.PageTable);
    this.mem.makeTable(pfn, depth);
    this.trace.record({ op: 'allocate', actor, pfn, level: this.levelName(depth), note: 'table page' });
    return pfn;
  }

  /** p*d_populate: points an empty entry of a table at a child table page. */
  install(table: number, depth: number, index: number, child: number, va: Kva, actor: string): void {
    const words = this.mem.writableTable(table, actor);
    const desc = tableDesc(child * this.geo.pageSize, this.geo.pageShift);
    words[2 * index] = desc.lo;
    words[2 * index + 1] = desc.hi;
    this.trace.add('install', actor, this.levelName(depth), va, table, index);
  }

  /** Writes a leaf descriptor (set_pte, p*d_set_huge). */
  writeEntry(table: number, depth: number, index: number, lo: number, hi: number, va: Kva, actor: string): void {
    const words = this.mem.writableTable(table, actor);
    words[2 * index] = lo;
    words[2 * index + 1] = hi;
    this.recordWrite(table, depth, index, va, actor);
  }

  /** The trace's record of a leaf written (by writeEntry, or by a hot loop on words it already owns). */
  recordWrite(table: number, depth: number, index: number, va: Kva, actor: string): void {
    this.trace.add('write', actor, this.levelName(depth), va, table, index);
  }

  /** p*d_clear / pte_clear. */
  clearEntry(table: number, depth: number, index: number, va: Kva, actor: string): void {
    const words = this.mem.writableTable(table, actor);
    words[2 * index] = 0;
    words[2 * index + 1] = 0;
    this.trace.add('clear', actor, this.levelName(depth), va, table, index);
  }

  /**
   * Frees a table page (free_hotplug_pgtable_page). A PageReserved one — built at boot, or in the
   * kernel image — draws free_hotplug_page_range's WARN and is freed all the same; the caller records
   * the warning.
   */
  freeTable(pfn: number, actor: string): void {
    const depth = this.mem.tableDepth(pfn);
    if (this.mem.state(pfn) === PageState.Reserved) this.alloc.freeReserved(pfn, 0);
    else this.alloc.free(pfn, 0, actor);
    this.trace.record({
      op: 'free',
      actor,
      pfn,
      level: depth === undefined ? undefined : this.levelName(depth),
      note: 'table page',
    });
  }

  /** flush_tlb_kernel_range for one page: last-level invalidation (TLBI VAALE1IS). */
  invalidateLeaf(va: Kva, actor: string): void {
    this.tlb.invalidateLeaf(va);
    this.trace.add('invalidate-tlb', actor, undefined, va);
  }

  /** __flush_tlb_kernel_pgtable: invalidation of cached walks for an address (TLBI VAAE1IS). */
  invalidateWalk(va: Kva, actor: string): void {
    this.tlb.invalidateWalk(va);
    this.trace.record({ op: 'invalidate-walk', actor, va });
  }

  /** flush_tlb_all. */
  invalidateAll(actor: string): void {
    this.tlb.invalidateAll();
    this.trace.record({ op: 'invalidate-all', actor });
  }

  /** The name of the level of entries a table of a depth holds. */
  private levelName(depth: number): LevelName {
    return (this.geo.levels[depth] as Level).name;
  }

  /** Whether a table page is part of the kernel image (never freeable). */
  isStatic(pfn: number): boolean {
    return this.staticTables.has(pfn);
  }

  /** A static table's kernel name (swapper_pg_dir, bm_pud, …); undefined for any other table. */
  staticName(pfn: number, level: LevelName): string | undefined {
    return this.staticTables.has(pfn) ? STATIC_TABLE_NAMES[level as Exclude<LevelName, 'P4D'>] : undefined;
  }
}
