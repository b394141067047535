@hot-remove
Feature: With floor and ceiling = the removed range, at most six tables stay behind
  The first fix the review thread proposed for the race with vmalloc was to pass the removed range
  itself as floor and ceiling to free_empty_tables. A table whose span sticks out of the range on
  either side is then never freed, even when hot-remove leaves it mapping nothing. At each end of the
  range that is at most one table per level that can be freed (PTE, PMD and PUD tables; the PGD never
  is): two ends times three levels, six tables on a four-level configuration, four with three levels,
  two with two. The thread judged that acceptable — such tables are reused when something is mapped
  there again — before settling on the enclosing region, which leaves none (see
  enclosing-region-restores-the-tables.feature).

  A table "left behind" here maps nothing: every entry is none, or points to a kept table that maps
  nothing. The kept upper tables at an edge hold exactly such a pointer.

  Rule: A two-page range across a top-level boundary leaves one table per level behind at each end, reaching the bound

  The model builds the worst case itself (src/hotplug/worst-case.ts): in the free part of the linear
  map above boot memory it maps one page on each side of a boundary of the highest level it can
  cross, so both edges are unaligned at every level and every table under them is fresh, then tears
  the two pages down with __remove_pgd_mapping under the policy `range`. test/hotplug/worst-case.test.ts
  builds it on all eight configurations.

    Scenario Outline: the worst case on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the worst-case range for floor and ceiling = the removed range is torn down
      Then the range is two pages around the <crossed> boundary at <boundary>
      And the tables left behind, mapping nothing, are <left>
      And every table left behind straddles the floor or the ceiling, half of them each
      And the bound for <levels> levels is <bound>: one table per level below the PGD at each end

      Examples: the bound is reached
        | config | crossed | boundary           | left                | levels | bound | why                          |
        | 4K/48  | PGD     | 0xffff010000000000 | 2 PUD, 2 PMD, 2 PTE | 4      | 6     | the thread's six             |
        | 4K/39  | PGD     | 0xffffff80c0000000 | 2 PMD, 2 PTE        | 3      | 4     | three levels: 1G PGD entries |
        | 16K/36 | PGD     | 0xfffffff082000000 | 2 PTE               | 2      | 2     | the PGD holds PTE tables     |

      Examples: 16K/48 stays two short: its linear map is a single PGD entry
        | config | crossed | boundary           | left         | levels | bound | why                                    |
        | 16K/48 | PUD     | 0xffff002000000000 | 2 PMD, 2 PTE | 4      | 6     | one PUD table, shared with boot memory |

  Rule: Removing a real section with floor and ceiling = the section leaves fewer, mostly in vmemmap

  A section is hot-added and hot-removed again under the policy `range`. Next to boot memory, its
  linear map fills whole tables of the section's own and its struct pages share tables with boot
  memory's, which are not empty; only 64K, whose vmemmap of a section sits alone in a 512M PTE table,
  leaves that table behind. In the middle of the linear map's reach everything is fresh: the
  section's vmemmap starts 2M below a large boundary (VMEMMAP_START is 2M short of one), so both its
  ends leave tables behind. The linear map is block-mapped here (rodata_full off) to keep the runs short; a
  page-mapped linear map's PTE tables lie inside the section and are always freed, so the counts
  are the same (the last example shows it on 64K/48). test/hotplug/range-policy.test.ts removes both
  sections, block-mapped and page-mapped, on all eight configurations.

    Scenario Outline: hot-add and hot-remove of the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added
      And the section at <section> is hot-removed with the policy range
      Then the tables left behind are <linear> in the linear map and <vmemmap> in vmemmap
      And __remove_pgd_mapping ran with floor and ceiling = its own range
      And vmemmap_free ran with floor and ceiling = its own range

      Examples: next to boot memory
        | boot                        | section     | linear | vmemmap | why                                  |
        | 4K/48 with rodata_full off  | 0x200000000 | none   | none    | vmemmap shares a PMD table with boot |
        | 64K/48 with rodata_full off | 0x200000000 | none   | 1 PTE   | a 512M PTE table of its own          |

      Examples: in the middle of the linear map's reach
        | boot                       | section        | linear | vmemmap      | why                                 |
        | 4K/48 with rodata_full off | 0x400040000000 | 1 PUD  | 2 PUD, 2 PMD | vmemmap crosses a 512G PGD boundary |

      Examples: page-mapped (rodata_full on), the same counts
        | boot                           | section        | linear | vmemmap | why                               |
        | 64K/48 and 256M of boot memory | 0x400040000000 | 1 PMD  | 1 PTE   | its PTE tables lie in the section |

  Rule: Whatever the range, no teardown leaves more than 2 × (levels − 1) tables behind

  The bound is an inequality, not only the worst case reached: every table left behind straddles the
  floor or the ceiling, and at each of the two there is at most one table per level below the PGD.
  A table whose whole span lies inside the range is freed; one that holds both ends is counted once.
  The examples map a range of the linear map page by page (blocks where allowed), in the free part
  above boot memory, and tear it down under the policy `range`. test/hotplug/range-policy.test.ts
  checks the same inequality, edge by edge, on every configuration: over 1,000 random ranges of a few
  pages mapped page by page, 400 block-mapped ranges of any size up to 1T, and 400 vmemmap ranges
  torn down by vmemmap_free.

    Scenario Outline: <size> of the linear map at <start> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And <size> of physical memory at <start> is mapped into the linear map with flags NO_BLOCK_MAPPINGS
      When the linear map of <size> of physical memory at <start> is torn down with the policy range
      Then the tables left behind, mapping nothing, are <left>
      And the bound for <levels> levels is <bound>: one table per level below the PGD at each end

      Examples: fewer than the bound
        | config | size  | start        | left                | levels | bound | why                                                                 |
        | 4K/48  | 4K    | 0x8000100000 | 1 PMD, 1 PTE        | 4      | 6     | one page: one chain holds both ends; the PUD table maps boot memory |
        | 4K/48  | 4104K | 0x80001ff000 | 1 PMD, 2 PTE        | 4      | 6     | the PTE tables inside the range are freed                           |
        | 4K/48  | 8K    | 0x803ffff000 | 1 PUD, 2 PMD, 2 PTE | 4      | 6     | across a 1G boundary: one PUD table holds both                      |
        | 64K/48 | 128K  | 0x41fff0000  | 2 PTE               | 3      | 4     | across a 512M boundary: the PMD table maps boot memory              |

  Rule: Tables left behind are reused: adding the memory again allocates no new table in their place

  The thread accepted the tables left at the edges because they "could be reused": whatever is
  mapped there next walks through them instead of allocating new ones. Here the same memory is
  hot-added, hot-removed under the policy `range`, and hot-added again: every table left behind is
  in its place again, mapping the new memory, and the second hot-add allocates exactly that many
  table pages fewer than the first.

    Scenario Outline: <size> at <start> on <boot>, added again
      Given a kernel booted with the configuration <boot>
      When <size> of memory at <start> is hot-added
      And <size> of memory at <start> is hot-removed with the policy range
      And <size> of memory at <start> is hot-added
      Then the hot-add used the tables left behind again, <left>: it allocated that many fewer table pages than the first

      Examples:
        | boot                           | size | start          | left         | why                                            |
        | 4K/48 with rodata_full off     | 1G   | 0x400040000000 | 3 PUD, 2 PMD | upper tables of the linear map and of vmemmap  |
        | 16K/47 with rodata_full off    | 2G   | 0x200040000000 | 3 PMD, 2 PTE | two sections: every table it took stays        |
        | 64K/48 and 256M of boot memory | 1G   | 0x400040000000 | 1 PMD, 1 PTE | page-mapped: its PTE tables lie in the section |
        | 16K/36 with rodata_full off    | 1G   | 0x440000000    | 2 PTE        | two levels: PTE tables only                    |
