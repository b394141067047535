@hot-remove
Feature: A table page shared with vmalloc is never freed, because its span reaches below VMEMMAP_START
  On 4K/48 and 16K/48 the last vmalloc address and VMEMMAP_START hang off the same PGD entry, so the
  PUD table under that entry serves both. vmalloc walks it without any lock hot-remove holds; freeing
  it while vmalloc holds a pointer to it is the race the review thread set out to remove. Patch V7
  avoided it with a boot-time flag that switched off table freeing for vmemmap altogether. With floor
  = VMEMMAP_START, the shared table is never eligible: its span starts inside vmalloc, below the
  floor, and pgtable_range_aligned says so before a single entry is read — so the decision cannot
  depend on what vmalloc is doing with the other entries at that moment.

  In the real boot state other things pin the shared table too (the fixmap's static tables, boot
  memory's struct pages, the kernel image on 16K/48). The design must not rest on them, so the
  feature also strips them away in a constructed state and shows the table kept all the same.

  Rule: The shared table survives hot-add and hot-remove, kept as outside floor/ceiling

  On 16K/48 the shared PUD table covers the whole upper half of the kernel VA space, vmemmap
  included, so every hot-remove visits it. On 4K/48 vmemmap enters PGD entry 507 for its first 2M only:
  the struct pages of the first 128M above PHYS_OFFSET, which is always boot memory. A hot-remove there
  never reaches the shared table at all. test/hotplug/remove.test.ts removes the section next to
  boot memory, the one in the middle and the last in reach on both, under v5.7 and range.

    Scenario Outline: the section at <section> on 16K/48, policy <policy>
      Given a kernel booted with the configuration 16K/48 with rodata_full off
      When the section at <section> is hot-added
      And the section at <section> is hot-removed with the policy <policy>
      Then the PUD table at 0xffff800000000000 is kept: outside floor/ceiling (below-floor)

      Examples: floor = VMEMMAP_START (v5.7) or the section's own struct pages (range)
        | section        | policy | why                       |
        | 0x200000000    | v5.7   | next to boot memory       |
        | 0x800000000000 | v5.7   | the last section in reach |
        | 0x200000000    | range  | the floor is higher still |

    Scenario Outline: the section at <section> on 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      When the section at <section> is hot-added
      And the section at <section> is hot-removed
      Then pass 2 did not visit the PUD table at 0xfffffd8000000000

      Examples: a hot-added section's struct pages start under PGD entry 508 or later
        | section     | why                                                           |
        | 0x200000000 | the lowest struct pages above boot memory: 0xfffffe0006e00000 |

  Rule: Stripped of everything it held, the shared table is still kept — the floor, not its entries, decides

  A constructed state: every entry of the shared table is cleared through PageTables.clearEntry (the
  fixmap, boot memory's struct pages and, on 16K/48, the kernel image and vmalloc areas go with
  them). Then a vmemmap range under the shared entry is populated and freed again. Freeing by
  emptiness alone (`empty-only`) now gives the shared page back: it is a kernel-image page (bm_pud) on
  4K/48 and a memblock page on 16K/48, both PageReserved, and free_hotplug_page_range warns about that
  and frees it all the same. V7's flag keeps everything in vmemmap, whether shared or not
  (concurrency/v7-never-frees-vmemmap-tables.feature; test/hotplug/remove.test.ts checks all three
  designs on both configurations).

    Scenario Outline: the struct pages under PGD entry 507 on 4K/48, policy <policy>
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      And the shared table is stripped of everything it holds (a constructed state)
      And the vmemmap from 0xfffffdffffe00000 to 0xfffffe0000000000 is populated
      When the vmemmap from 0xfffffdffffe00000 to 0xfffffe0000000000 is freed with the policy <policy>
      Then the PMD table at 0xfffffdffc0000000 is <PMD table>
      And the PUD table at 0xfffffd8000000000 is <shared PUD table>

      Examples: two designs
        | policy     | PMD table                                 | shared PUD table                          | why                            |
        | v5.7       | kept: outside floor/ceiling (below-floor) | kept: outside floor/ceiling (below-floor) | both start below VMEMMAP_START |
        | empty-only | freed                                     | freed after a WARN: static (kernel image) | emptiness alone frees bm_pud   |

    Scenario Outline: a hot-added section on 16K/48, policy <policy>
      Given a kernel booted with the configuration 16K/48 with rodata_full off
      And the shared table is stripped of everything it holds (a constructed state)
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed with the policy <policy>
      Then the PMD table at 0xffffff8000000000 is <PMD table>
      And the PUD table at 0xffff800000000000 is <shared PUD table>

      Examples: two designs
        | policy     | PMD table | shared PUD table                          | why                               |
        | v5.7       | freed     | kept: outside floor/ceiling (below-floor) | the PMD table lies inside vmemmap |
        | empty-only | freed     | freed after a WARN: reserved (boot)       | emptiness alone frees it          |

  Rule: In the real boot state the shared table is pinned by more than the floor

    Scenario: 4K/48: bm_pud holds bm_pmd, with the fixmap and the first 2M of struct pages
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      Then the shared table is "bm_pud", and its live entries are:
        | entry | maps from          | holds  | mappings below it |
        | 511   | 0xfffffdffc0000000 | bm_pmd | Fixmap, vmemmap   |

    Scenario: 16K/48: the shared table holds the kernel image and vmalloc areas, bm_pmd with the fixmap, and boot memory's struct pages
      Given a kernel booted with the configuration 16K/48 with rodata_full off
      Then the shared table is "PUD table", and its live entries are:
        | entry | maps from          | holds     | mappings below it |
        | 0     | 0xffff800000000000 | PMD table | vmalloc()         |
        | 2039  | 0xffffff7000000000 | bm_pmd    | Fixmap, vmemmap   |
        | 2040  | 0xffffff8000000000 | PMD table | vmemmap           |

  Rule: Only 4K/48 and 16K/48 have a table page below the PGD that maps both vmalloc and vmemmap

  The live tables of a booted kernel; test/mappings/kernel.test.ts checks all eight configurations.

    Scenario Outline: tables reaching into both regions on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      Then no table page below the PGD maps both vmalloc and vmemmap addresses

      Examples: vmalloc ends in the PGD entry before vmemmap's
        | config | why                                   |
        | 4K/39  | three levels: PGD entries 506 and 507 |
        | 64K/42 | two levels: PGD entries 8186 and 8187 |

    Scenario Outline: the one shared table on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      Then one table page below the PGD maps both vmalloc and vmemmap addresses: the PUD table at <table>

      Examples: four levels
        | config | table              | why           |
        | 4K/48  | 0xfffffd8000000000 | PGD entry 507 |
        | 16K/48 | 0xffff800000000000 | PGD entry 1   |

  Rule: The linear map never shares a table with vmalloc: PAGE_END is a PGD entry boundary

  The thread did not settle this. The patch's author judged the chance of the linear map overlapping
  vmalloc negligible, since it covers half the kernel VA space; the reviewer asked for the proper
  floor and ceiling in both callers all the same. That the chance is zero, on every configuration, is
  this manual's own derivation, not the thread's.
  PAGE_END = −2^(VA_BITS−1) is a multiple of 2^(VA_BITS−1), and one PGD entry maps 2^PGDIR_SHIFT bytes,
  never more than 2^(VA_BITS−1) (every configuration has at least two PGD entries); so PAGE_END is
  a PGD entry boundary. (On 64K/52, v5.7 takes PAGE_END from the VA size the CPU supports: −2^51, or
  −2^47 without 52-bit support; a PGD entry maps 4T there, so either is a boundary.) Everything above it — KASAN shadow, BPF JIT, modules, vmalloc — starts at or
  above PAGE_END, in a later PGD entry, and every table page below the PGD maps addresses of one PGD
  entry only. The closest pair, PAGE_END − 1 and VMALLOC_START, shares no table; no other pair can.
  A consequence for __remove_pgd_mapping: no table under the linear map reaches outside [PAGE_OFFSET,
  PAGE_END), so floor and ceiling never keep one — the all-none scan alone decides there.

  The steps compute the PGD entries from the layout and check the live tables of a kernel with the
  last section the linear map can reach hot-added, next to the kernel image at VMALLOC_START;
  test/arch/linear-vmalloc.test.ts checks every configuration, with and without KASAN, and random
  pairs of addresses.

    Scenario Outline: PAGE_END and VMALLOC_START on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <last section> is hot-added
      Then PAGE_END lies on a PGD entry boundary: the linear map ends with PGD entry <last>, vmalloc begins in PGD entry <first>
      And no table page below the PGD maps both linear-map and vmalloc addresses

      Examples:
        | boot                                 | last section   | last | first | why                                          |
        | 4K/48 with rodata_full off           | 0x800000000000 | 255  | 256   | vmalloc begins 256M above PAGE_END           |
        | 16K/48 with rodata_full off          | 0x800000000000 | 0    | 1     | two PGD entries: the linear map is the first |
        | 64K/42 with rodata_full off          | 0x20000000000  | 4095 | 4096  | two levels: the PGD holds PTE tables         |
        | 4K/39 with rodata_full off and KASAN | 0x4000000000   | 255  | 320   | the KASAN shadow lies between                |
