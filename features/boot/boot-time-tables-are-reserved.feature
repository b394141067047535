@boot
Feature: Page tables built during boot are reserved pages
  paging_init builds the linear map, the kernel image mapping and the boot vmemmap before the page
  allocator exists, so their tables come from memblock and stay PageReserved for good. Tables
  allocated later — by vmalloc, by hot-add — come from the page allocator and are ordinary pages in
  use. The difference matters to hot-remove: freeing a reserved page is a bug the kernel warns about,
  and boot memory can never be removed (a memory notifier refuses to offline it), so its tables are
  never candidates.

  Rule: Every table page reachable from swapper_pg_dir right after paging_init is reserved

    Scenario Outline: the tables of <config> before any vmalloc
      Given a kernel booted with the configuration <config> with no vmalloc areas
      Then every table page reachable from swapper_pg_dir is reserved

      Examples: every configuration, rodata_full on
        | config | why                                |
        | 4K/39  | 1024 PTE tables of the linear map  |
        | 4K/48  | 1024 PTE tables of the linear map  |
        | 16K/36 | 64 PTE tables of the linear map    |
        | 16K/47 | 64 PTE tables of the linear map    |
        | 16K/48 | 64 PTE tables of the linear map    |
        | 64K/42 | 4 PTE tables of the linear map     |
        | 64K/48 | 4 PTE tables of the linear map     |
        | 64K/52 | 4 PTE tables of the linear map     |

  Rule: A table allocated after boot is an ordinary page in use, owned by the page tables

    Scenario Outline: the tables a vmalloc allocates on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 64K is vmalloc'ed at <va>
      Then the tables allocated are <tables>
      And every table allocated is a page in use, not reserved

      Examples: a two-, three- and four-level configuration
        | config | va                 | tables              | why                 |
        | 16K/36 | 0xfffffff900000000 | 1 PTE               | two levels          |
        | 64K/48 | 0xffff900000000000 | 1 PMD, 1 PTE        | three levels        |
        | 4K/48  | 0xffff900000000000 | 1 PUD, 1 PMD, 1 PTE | four levels         |
