import { physHex } from '../arch/address';
import { OutOfMemoryError } from '../errors';
import { Owner, PageState } from './page';
import type { PhysMem } from './physmem';

/**
 * struct vmem_altmap: vmemmap backing carved from the start of the hot-added memory itself. Pages are
 * handed out in order and handed back on removal (vmem_altmap_free); they never reach the allocator.
 */
export class Altmap {
  /**
   * Pages handed out and not yet given back, with the gaps left to align them: the kernel's alloc +
   * align (vmem_altmap_free gives back pages, never the gaps).
   */
  allocated = 0;

  constructor(
    private readonly mem: PhysMem,
    readonly basePfn: number,
    /** Pages the altmap may hand out (the "free" field). */
    readonly capacity: number,
  ) {}

  /** A copy working on another PhysMem. */
  clone(mem: PhysMem): Altmap {
    const copy = new Altmap(mem, this.basePfn, this.capacity);
    copy.allocated = this.allocated;
    return copy;
  }

  available(pages: number, align: number): boolean {
    const start = Math.ceil((this.basePfn + this.allocated) / align) * align;
    return start + pages <= this.basePfn + this.capacity;
  }

  /** altmap_alloc_block_buf: naturally aligned pages from the altmap. */
  alloc(pages: number): number {
    const start = Math.ceil((this.basePfn + this.allocated) / pages) * pages;
    if (start + pages > this.basePfn + this.capacity) {
      throw new OutOfMemoryError('the altmap has no room for this vmemmap block', {
        base: physHex(this.basePfn * this.mem.geo.pageSize),
        pages,
        allocated: this.allocated,
      });
    }
    this.mem.setPages(start, pages, PageState.InUse, Owner.Altmap);
    this.allocated = start + pages - this.basePfn;
    return start;
  }

  /** vmem_altmap_free: the pages go back to the altmap, not to the page allocator. */
  free(pfn: number, pages: number): void {
    this.mem.setPages(pfn, pages, PageState.Free, Owner.None);
    this.allocated -= pages;
  }
}
