@hot-remove
Feature: One free_empty_tables serves vmemmap_free and __remove_pgd_mapping; only floor and ceiling differ
  arch_remove_memory tears down two mappings of the memory it removes: the struct pages in vmemmap
  (vmemmap_free, once per section, from __remove_pages) and the memory itself in the linear map
  (__remove_pgd_mapping). In the review thread the author proposed keeping a second, more
  restrictive free_empty_tables() for the case where vmalloc and vmemmap overlap — a proposal in the
  discussion, never a revision of the patch — and the reviewer asked for a single one. Both callers run
  unmap_hotplug_range and then free_empty_tables over the range they unmap, and differ in two
  arguments only: floor and ceiling (the region each owns), and whether the pages the leaves map are
  freed (vmemmap's backing pages are; the linear map's pages are the memory being removed).

  Each scenario hot-adds the section at 0x200000000 and removes it again, with the linear map
  block-mapped (rodata_full off) to keep the runs short; the arguments do not depend on it. The rows
  show two, three and four levels; test/hotplug/remove.test.ts checks both callers on all eight
  configurations.

  Rule: vmemmap_free unmaps the section's struct pages with floor VMEMMAP_START and ceiling VMEMMAP_END

    Scenario Outline: vmemmap_free on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed
      Then vmemmap_free tore down <struct pages> from <first struct page>
      And vmemmap_free ran with floor VMEMMAP_START and ceiling VMEMMAP_END

      Examples:
        | config | struct pages | first struct page  | why       |
        | 4K/48  | 16M          | 0xfffffe0006e00000 | 4 levels  |
        | 16K/36 | 4M           | 0xfffffffff9a00000 | 2 levels  |
        | 64K/52 | 1M           | 0xfffffc2000500000 | 52-bit VA |

  Rule: __remove_pgd_mapping unmaps the section's linear map with floor PAGE_OFFSET and ceiling PAGE_END

    Scenario Outline: __remove_pgd_mapping on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed
      Then the teardowns ran in the order "vmemmap_free, __remove_pgd_mapping"
      And __remove_pgd_mapping tore down 1G from <linear address>
      And __remove_pgd_mapping ran with floor PAGE_OFFSET and ceiling PAGE_END

      Examples:
        | config | linear address     | why       |
        | 4K/48  | 0xffff0001c0000000 | 4 levels  |
        | 16K/36 | 0xfffffff1c0000000 | 2 levels  |
        | 64K/52 | 0xfff00001c0000000 | 52-bit VA |

  Rule: Apart from floor and ceiling, the callers differ only in whether what the leaves mapped is freed

    Scenario Outline: free_mapped on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed
      Then vmemmap_free gave back what its leaves mapped
      And __remove_pgd_mapping gave back nothing its leaves mapped

      Examples:
        | config | why                         |
        | 4K/48  | vmemmap: 8 PMD blocks of 2M |
        | 16K/48 | vmemmap: 256 pages of 16K   |
        | 64K/48 | vmemmap: 16 pages of 64K    |

  Rule: Under the policy range the same function gets each caller's own range as floor and ceiling

    Scenario Outline: floor and ceiling = the range on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed with the policy range
      Then vmemmap_free ran with floor and ceiling = its own range
      And __remove_pgd_mapping ran with floor and ceiling = its own range

      Examples:
        | config | why                     |
        | 4K/48  | four levels             |
        | 16K/36 | two levels              |
        | 64K/52 | three levels, 52-bit VA |

  Rule: The same table under the same floor and ceiling gets the same decision, whichever caller asks

  Shown by behaviour rather than by reading the code: both callers get the same shape to tear down.
  On 64K/48, four pages are mapped at the start of a fresh 512M PTE table in each region — struct
  pages at 0xfffffff000000000, the linear map of physical 0x200000000 at 0xffff0001c0000000 — and
  each caller tears down the same part of its four. The two PTE tables are alike entry for entry and
  lie alike against each caller's floor and ceiling, so the decisions are the same. The PMD tables
  above them are not alike: vmemmap's holds VMEMMAP_START and boot memory's struct pages, the linear
  map's holds boot memory; where the decisions differ, floor and ceiling or the entries left explain
  it, and nothing about the caller does. test/hotplug/one-function.test.ts checks every decision of
  both callers over random hot-add and hot-remove: each is the one pgtable_range_aligned and the
  all-none scan give for that table, range, floor and ceiling.

    Scenario Outline: <torn down> of four pages in each region, policy <policy>
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the vmemmap from 0xfffffff000000000 to 0xfffffff000040000 is populated
      And 256K of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      When vmemmap_free tears down <torn down> from <struct pages> and __remove_pgd_mapping <torn down> of physical memory at <memory>, with the policy <policy>
      Then both callers decided about the PTE table holding their range: <PTE table>
      And about the PMD table holding its range vmemmap_free decided <vmemmap PMD>, and __remove_pgd_mapping <linear PMD>

      Examples:
        | torn down | struct pages       | memory      | policy | PTE table                                    | vmemmap PMD                               | linear PMD                                | why                                                    |
        | 128K      | 0xfffffff000020000 | 0x200020000 | range  | kept: outside floor/ceiling (below-floor)    | kept: outside floor/ceiling (below-floor) | kept: outside floor/ceiling (below-floor) | floor = the range: inside every table                  |
        | 128K      | 0xfffffff000020000 | 0x200020000 | v5.7   | kept: entries left (2 live)                  | kept: outside floor/ceiling (below-floor) | kept: entries left (5 live)               | the regions: VMEMMAP_START lies in vmemmap's PMD table |
        | 256K      | 0xfffffff000000000 | 0x200000000 | v5.7   | freed                                        | kept: outside floor/ceiling (below-floor) | kept: entries left (4 live)               | every entry of both PTE tables none                    |
        | 256K      | 0xfffffff000000000 | 0x200000000 | range  | kept: outside floor/ceiling (beyond-ceiling) | kept: outside floor/ceiling (below-floor) | kept: outside floor/ceiling (below-floor) | the ceiling rounds down into the table                 |
