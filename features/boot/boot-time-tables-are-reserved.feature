@boot
Feature: Page tables built during boot are reserved pages
  paging_init builds the linear map, the kernel image mapping and the boot vmemmap before the page
  allocator exists, so their tables come from memblock and stay PageReserved for good. Tables
  allocated later — by vmalloc, by hot-add — come from the page allocator and are ordinary pages in
  use. The difference matters to hot-remove: free_hotplug_page_range warns when it is handed a
  PageReserved page, and then frees it all the same. Boot memory can never be removed (a memory
  notifier refuses to offline it), and that, not floor and ceiling, is what keeps its tables.

  Rule: Every table page reachable from swapper_pg_dir right after paging_init is reserved

    Scenario Outline: the tables of <config> before any vmalloc
      Given a kernel booted with the configuration <config> with no vmalloc areas
      Then every table page reachable from swapper_pg_dir is reserved

      Examples: four, two and three levels, rodata_full on (test/mappings/kernel.test.ts: all eight)
        | config | why                               |
        | 4K/48  | 1024 PTE tables of the linear map |
        | 16K/36 | 64 PTE tables of the linear map   |
        | 64K/52 | 4 PTE tables of the linear map    |

  Rule: A table allocated after boot is an ordinary page in use, owned by the page tables

    Scenario Outline: the tables a vmalloc allocates on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 64K is vmalloc'ed at <va>
      Then the tables allocated are <tables>
      And every table allocated is a page in use, not reserved

      Examples: a two-, three- and four-level configuration
        | config | va                 | tables              | why          |
        | 16K/36 | 0xfffffff900000000 | 1 PTE               | two levels   |
        | 64K/48 | 0xffff900000000000 | 1 PMD, 1 PTE        | three levels |
        | 4K/48  | 0xffff900000000000 | 1 PUD, 1 PMD, 1 PTE | four levels  |

  Rule: Under v5.7 a boot table always keeps an entry, because the boot memory it maps is never removed

  Floor and ceiling are not what protects a boot table. A table of the boot linear map lies inside
  [PAGE_OFFSET, PAGE_END) and passes pgtable_range_aligned like any other; a boot vmemmap table may
  lie inside [VMEMMAP_START, VMEMMAP_END). What keeps it is its entry for boot memory (or for boot
  memory's struct pages): the memory notifier never lets boot memory go offline, so the all-none scan
  always finds that entry. The static tables are different: bm_pud, bm_pmd and bm_pte map the fixmap,
  which lies between VMALLOC_END and VMEMMAP_START, outside both regions, so their span never lies
  within floor and ceiling (the feature on tables shared with vmalloc shows bm_pud kept below the
  floor), and swapper_pg_dir is the PGD, never a candidate. So under v5.7 no PageReserved table is
  ever freed, and free_hotplug_page_range's WARN never fires for a table.

    Scenario Outline: the section next to boot memory on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0xc0000000 is hot-added
      And the section at 0xc0000000 is hot-removed
      Then the boot tables pass 2 visited were kept: "<boot tables>"

      Examples: boot memory is the 2G at 0x40000000
        | config | boot tables                                                                                        | why                                              |
        | 4K/48  | PMD kept: entries left (15 live), PUD kept: entries left (1 live), PUD kept: entries left (2 live) | vmemmap's boot PMD and PUD, the linear map's PUD |
        | 16K/36 | PTE kept: entries left (384 live)                                                                  | two levels: boot memory's struct pages           |
        | 64K/48 | PMD kept: outside floor/ceiling (below-floor), PMD kept: entries left (4 live)                     | the vmemmap PMD table starts below VMEMMAP_START |

  Rule: Boot memory's linear map torn down directly frees its boot table after the WARN — under v5.7 too

  arch_remove_memory never tears down boot memory: the notifier refuses first. Called directly,
  __remove_pgd_mapping shows what stands behind that refusal. Under v5.7 the boot table is inside
  the linear map's floor and ceiling and empties, so it is freed with free_hotplug_page_range's WARN;
  so it is with the comparison policies that free by emptiness alone. Only floor and ceiling = the
  removed range keep it, since the table spans more than the range.

    Scenario Outline: the linear map of boot memory on <config>, policy <policy>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the linear map of 2G of physical memory at 0x40000000 is torn down with the policy <policy>
      Then the <level> table at <table> is <result>

      Examples:
        | config | policy     | level | table              | result                                       | why                                 |
        | 4K/48  | v5.7       | PUD   | 0xffff000000000000 | freed after a WARN: reserved (boot)          | inside the linear map's region      |
        | 4K/48  | range      | PUD   | 0xffff000000000000 | kept: outside floor/ceiling (beyond-ceiling) | the table spans more than the range |
        | 16K/47 | empty-only | PMD   | 0xffff800000000000 | freed after a WARN: reserved (boot)          | emptiness alone                     |
        | 64K/48 | x86        | PMD   | 0xffff000000000000 | freed after a WARN: reserved (boot)          | x86's design: emptiness alone       |
