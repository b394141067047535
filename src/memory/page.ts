/** What a physical page is doing now. */
export enum PageState {
  /** Present and never handed out (or handed back to an altmap). */
  Free = 0,
  /** Handed out by the allocator. */
  InUse = 1,
  /** Freed: poisoned until it is handed out again; any access through a stale pointer is a use-after-free. */
  Poisoned = 2,
  /** Reserved at boot (kernel image, firmware): never allocated, never freed. */
  Reserved = 3,
}

/** Who a page belongs to. */
export enum Owner {
  None = 0,
  /** The kernel image, including its static page tables (swapper_pg_dir, bm_pud/bm_pmd/bm_pte). */
  KernelImage = 1,
  /** A page-table page allocated at run time (pgtable_alloc / vmemmap_*_populate). */
  PageTable = 2,
  /** Backing for struct pages in vmemmap, from the page allocator. */
  Vmemmap = 3,
  /** Backing for struct pages carved from the hot-added memory itself (vmem_altmap). */
  Altmap = 4,
  /** A page backing a vmalloc area. */
  Vmalloc = 5,
  /** Memory the model treats as in use by the rest of the system (boot memory outside the pool). */
  System = 6,
}

export const PAGE_STATE_NAMES: Record<PageState, string> = {
  [PageState.Free]: 'free',
  [PageState.InUse]: 'in use',
  [PageState.Poisoned]: 'freed (poisoned)',
  [PageState.Reserved]: 'reserved',
};

export const OWNER_NAMES: Record<Owner, string> = {
  [Owner.None]: 'none',
  [Owner.KernelImage]: 'kernel image',
  [Owner.PageTable]: 'page table',
  [Owner.Vmemmap]: 'vmemmap',
  [Owner.Altmap]: 'vmemmap (altmap)',
  [Owner.Vmalloc]: 'vmalloc',
  [Owner.System]: 'system',
};

/** The value a freed table page is filled with, as slab poisoning would (0x6b in every byte). */
export const POISON_WORD = 0x6b6b6b6b;
