@vmalloc
Feature: vfree clears the PTEs of an area but never frees a page-table page
  vfree unmaps the area (in v5.7 unmap_kernel_range_noflush → vunmap_page_range, each PTE cleared;
  vunmap_range is the v5.13 name), invalidates the TLB for it and frees the
  backing pages. The tables vmalloc allocated stay where they are, empty or not, for the next vmalloc
  to reuse: kernel page tables of vmalloc space are never freed. This is the other half of the race the
  2019 thread is about — vmalloc may rely on any table it once walked staying a table — and the
  reason hot-remove must not free a table whose span reaches into vmalloc space.
  test/mappings/vmalloc.test.ts vmallocs and vfrees on all eight configurations.

  Rule: vfree clears every PTE of the area and frees its pages, and no table page is freed

    Scenario Outline: a 64K area vfreed on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 64K is vmalloc'ed at <va>
      When that vmalloc area is vfreed
      Then the address <va> is not mapped
      And the area's pages were freed
      And no table page was freed
      And the live table counts agree with the tables reachable from swapper_pg_dir

      Examples: four, two and three levels, with the tables vmalloc allocated for the area left in place
        | config | va                 | why                                 |
        | 4K/48  | 0xffff900000000000 | 16 PTEs cleared; 3 tables stay      |
        | 16K/36 | 0xfffffff900000000 | 4 PTEs cleared; the PTE table stays |
        | 64K/48 | 0xffff900000000000 | 1 PTE cleared; 2 tables stay        |
