import { physHex } from '../arch/address';
import { KernelWarning, OutOfMemoryError } from '../errors';
import { Owner, PageState } from './page';
import type { PhysMem } from './physmem';

/**
 * The page allocator (alloc_pages / free_pages) over a pool of boot memory. Fresh pages are handed out
 * first, in address order, so a freed page stays poisoned — and a stale access to it detectable — for
 * as long as the pool lasts; only then are freed blocks of the same order reused, last freed first.
 */
export class PageAllocator {
  private next: number;
  private readonly freeLists = new Map<number, number[]>();
  /**
   * During boot the kernel allocates from memblock: such pages stay PageReserved for good, and the
   * hot-remove path warns if asked to free one.
   */
  memblock = false;
  /** Pages handed out and not yet freed, by owner. */
  readonly inUse = new Map<Owner, number>();

  constructor(
    private readonly mem: PhysMem,
    readonly poolFirstPfn: number,
    readonly poolEndPfn: number,
  ) {
    this.next = poolFirstPfn;
  }

  /** A copy working on another PhysMem (a clone of this one's). */
  clone(mem: PhysMem): PageAllocator {
    const copy = new PageAllocator(mem, this.poolFirstPfn, this.poolEndPfn);
    copy.next = this.next;
    copy.memblock = this.memblock;
    for (const [order, list] of this.freeLists) copy.freeLists.set(order, [...list]);
    for (const [owner, n] of this.inUse) copy.inUse.set(owner, n);
    return copy;
  }

  /** alloc_pages(order): 2^order contiguous, naturally aligned pages for an owner. */
  alloc(order: number, owner: Owner): number {
    const count = 2 ** order;
    const start = Math.ceil(this.next / count) * count;
    let pfn: number | undefined;
    if (start + count <= this.poolEndPfn) {
      pfn = start;
      this.next = start + count;
    } else {
      pfn = this.freeLists.get(order)?.pop();
    }
    if (pfn === undefined) {
      throw new OutOfMemoryError('the page allocator has no free block of this order', {
        order,
        poolPages: this.poolEndPfn - this.poolFirstPfn,
      });
    }
    this.mem.forget(pfn);
    this.mem.setPages(pfn, count, this.memblock ? PageState.Reserved : PageState.InUse, owner);
    this.inUse.set(owner, (this.inUse.get(owner) ?? 0) + count);
    return pfn;
  }

  /** free_pages(order): the block is poisoned and may be handed out again later. */
  free(pfn: number, order: number, accessor: string): void {
    const count = 2 ** order;
    const state = this.mem.state(pfn);
    if (state === PageState.Reserved) {
      throw new KernelWarning('a reserved (boot) page must never be freed', {
        page: physHex(pfn * this.mem.geo.pageSize),
        by: accessor,
      });
    }
    if (state !== PageState.InUse) {
      this.mem.reportDoubleFree(pfn, accessor);
      return;
    }
    const owner = this.mem.owner(pfn) ?? Owner.None;
    this.inUse.set(owner, (this.inUse.get(owner) ?? 0) - count);
    this.release(pfn, order, owner);
  }

  /**
   * free_pages of a PageReserved block, as free_hotplug_page_range does right after its WARN: it goes
   * to the free lists like any other. It was never counted in use, so no owner's count drops.
   */
  freeReserved(pfn: number, order: number): void {
    this.release(pfn, order, this.mem.owner(pfn) ?? Owner.None);
  }

  private release(pfn: number, order: number, owner: Owner): void {
    this.mem.poisonTable(pfn);
    this.mem.setPages(pfn, 2 ** order, PageState.Poisoned, owner);
    const list = this.freeLists.get(order) ?? [];
    list.push(pfn);
    this.freeLists.set(order, list);
  }

  /** Whether a sequence of allocations (orders, in the order they would happen) would all succeed now. */
  canAllocate(orders: readonly number[]): boolean {
    let next = this.next;
    const reused = new Map<number, number>();
    for (const order of orders) {
      const count = 2 ** order;
      const start = Math.ceil(next / count) * count;
      if (start + count <= this.poolEndPfn) next = start + count;
      else if ((reused.get(order) ?? 0) < (this.freeLists.get(order)?.length ?? 0))
        reused.set(order, (reused.get(order) ?? 0) + 1);
      else return false;
    }
    return true;
  }

  /** How many blocks of an order can be handed out now. */
  available(order: number): number {
    const count = 2 ** order;
    const fresh = Math.max(0, Math.floor((this.poolEndPfn - Math.ceil(this.next / count) * count) / count));
    return fresh + (this.freeLists.get(order)?.length ?? 0);
  }

  /** Allocator state for snapshots: the bump pointer and the free lists. */
  fingerprint(): string {
    const lists = [...this.freeLists.entries()].map(([o, l]) => `${o}:${l.join(',')}`).join(';');
    return `${this.next}|${lists}`;
  }
}
