@vmalloc
Feature: vmalloc allocates page tables on demand and installs them under init_mm.page_table_lock
  vmalloc finds a free range in [VMALLOC_START, VMALLOC_END), allocates the backing pages, then walks
  swapper_pg_dir once over the whole range, level by level (v5.7's map_vm_area →
  vmap_page_range_noflush → vmap_p*d_range): each level loops over the entries the range covers and
  descends into each, and the PTE level writes one entry per page. It reads every entry without a lock.
  Where an entry is none it allocates a table page, takes init_mm.page_table_lock, reads the entry
  again, installs the new table if the entry is still none — or frees its page if another CPU was
  faster — and drops the lock. It never takes a lock hot-remove holds: that is why a table page that
  vmalloc may be walking through must never be freed by hot-remove, the question the 2019 thread
  settles with floor and ceiling.

  The addresses below are in parts of vmalloc space no boot mapping touched: 4K/48's
  0xffff900000000000 is the start of PGD entry 288 (each PGD entry maps 512G), so vmalloc needs a PUD,
  a PMD and a PTE table. Where the PGD entry is taken (16K/48 has only two PGD entries, the second
  holding all of vmalloc) the walk starts allocating one level lower; two-level configurations need
  a PTE table only. test/mappings/vmalloc.test.ts does the same on all eight configurations.

  Rule: vmalloc allocates a table for each level whose entry it finds none, and only those

    Scenario Outline: a page vmalloc'ed into an empty part of vmalloc space on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 64K is vmalloc'ed at <va>
      Then the tables allocated are <tables>
      And the address <va> is mapped
      And the live table counts agree with the tables reachable from swapper_pg_dir

      Examples: four, two and three levels, and a PGD entry vmalloc already uses
        | config | va                 | tables              | why                                     |
        | 4K/48  | 0xffff900000000000 | 1 PUD, 1 PMD, 1 PTE | PGD[288] is empty                       |
        | 16K/36 | 0xfffffff900000000 | 1 PTE               | two levels: PGD[1152] is empty          |
        | 16K/48 | 0xffff900000000000 | 1 PMD, 1 PTE        | PGD[1] holds vmalloc; PUD[256] is empty |
        | 64K/52 | 0xffff900000000000 | 1 PMD, 1 PTE        | PGD[996] is empty                       |

  Rule: vmalloc walks without init_mm.page_table_lock and installs each table under it, after re-checking the entry

    A CPU that finds the entry filled when it re-checks frees its spare table: `__pud_alloc` and
    `__pmd_alloc` while they still hold the lock, `__pte_alloc_kernel` after dropping it (v5.7's
    `mm/memory.c`). No other CPU can reach the spare either way: it was never installed.

    Scenario: every step of a vmalloc into an empty PGD entry of 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      When 4K is vmalloc'ed at 0xffff900000000000
      Then vmalloc took these steps:
        | op       | lock held | step                                    |
        | allocate | no        | allocates a page for 0xffff900000000000 |
        | read     | no        | reads PGD[288] of table …               |
        | allocate | no        | allocates a PUD table                   |
        | lock     | no        | takes init_mm.page_table_lock           |
        | read     | yes       | re-checks PGD[288] under the lock       |
        | install  | yes       | installs table … in PGD[288]            |
        | unlock   | yes       | releases init_mm.page_table_lock        |
        | read     | no        | reads PUD[0] of table …                 |
        | allocate | no        | allocates a PMD table                   |
        | lock     | no        | takes init_mm.page_table_lock           |
        | read     | yes       | re-checks PUD[0] under the lock         |
        | install  | yes       | installs table … in PUD[0]              |
        | unlock   | yes       | releases init_mm.page_table_lock        |
        | read     | no        | reads PMD[0] of table …                 |
        | allocate | no        | allocates a PTE table                   |
        | lock     | no        | takes init_mm.page_table_lock           |
        | read     | yes       | re-checks PMD[0] under the lock         |
        | install  | yes       | installs table … in PMD[0]              |
        | unlock   | yes       | releases init_mm.page_table_lock        |
        | write    | no        | writes PTE[0] for 0xffff900000000000    |
      And vmalloc read its walk without init_mm.page_table_lock and installed every table under it after re-checking the entry
      And the tables allocated are:
        | table | maps from          |
        | PUD   | 0xffff900000000000 |
        | PMD   | 0xffff900000000000 |
        | PTE   | 0xffff900000000000 |

    Scenario Outline: the lock discipline holds on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 64K is vmalloc'ed at <va>
      Then vmalloc read its walk without init_mm.page_table_lock and installed every table under it after re-checking the entry

      Examples: a two-level and a three-level configuration
        | config | va                 | why                              |
        | 16K/36 | 0xfffffff900000000 | one install: the PTE table       |
        | 64K/52 | 0xffff900000000000 | two installs: PMD and PTE tables |

    Scenario: two CPUs fill the same empty entry; the later one frees its spare table
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      And cpu1 has begun a vmalloc of 4K at 0xffff900000000000 and is about to take init_mm.page_table_lock
      When cpu2 vmallocs 4K at 0xffff900000002000
      And cpu1 finishes its vmalloc
      Then cpu1 freed 1 spare table page
      And cpu2 freed 0 spare table pages
      And the address 0xffff900000000000 is mapped
      And the address 0xffff900000002000 is mapped
      And the live table counts agree with the tables reachable from swapper_pg_dir
