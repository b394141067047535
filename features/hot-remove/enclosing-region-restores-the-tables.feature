@hot-remove
Feature: With floor and ceiling = the enclosing region, hot-remove gives back every table hot-add took
  The design the thread settled on, and v5.7 merged: vmemmap_free passes [VMEMMAP_START, VMEMMAP_END)
  as floor and ceiling, __remove_pgd_mapping passes [PAGE_OFFSET, PAGE_END), and only the range
  actually unmapped is the removed section. A table that maps nothing after hot-remove is then
  eligible as long as its span stays inside the region, which is true of every table under the
  section except those that also reach outside the region. Hot-adding a section and removing it again
  therefore leaves the page tables exactly as they were — the same table pages, the same entries.

  The exceptions are the tables whose span crosses the floor or the ceiling. VMEMMAP_START is 2M
  short of a block boundary, so the tables holding it reach below the floor; they also hold boot
  memory's struct pages and existed before the hot-add, so hot-remove keeps them without loss.
  VMEMMAP_END is 2M below the top of the address space, so the tables holding it reach past the
  ceiling: if a hot-add is the first to need them — memory at the very top of the linear map's
  reach — they are never given back.

  The rows show a few configurations; test/hotplug/enclosing-region.test.ts adds and removes every
  placement of the rules below on all eight.

  Rule: Hot-add then hot-remove of memory restores the page tables exactly

    Scenario Outline: the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added
      And the section at <section> is hot-removed
      Then the page tables are exactly as before the hot-add
      And vmemmap_free ran with floor VMEMMAP_START and ceiling VMEMMAP_END
      And __remove_pgd_mapping ran with floor PAGE_OFFSET and ceiling PAGE_END
      And the tables kept outside floor and ceiling are "<kept outside>"

      Examples: page-mapped, next to boot memory (the v5.7 default; 256M of boot memory keeps the boots short)
        | boot                           | section     | kept outside                               | why                                  |
        | 4K/48 and 256M of boot memory  | 0x200000000 | none                                       | 512 PTE tables and a PMD table freed |
        | 64K/48 and 256M of boot memory | 0x200000000 | vmemmap PMD 0xfffffc0000000000 below-floor | the PMD table holding VMEMMAP_START  |

      Examples: block-mapped, in the middle of the linear map's reach, where every table is fresh
        | boot                        | section        | kept outside                               | why                        |
        | 16K/48 with rodata_full off | 0x400040000000 | vmemmap PUD 0xffff800000000000 below-floor | the shared PUD table stays |

    Scenario Outline: <size> at <start> on <boot>, added and removed at once
      Given a kernel booted with the configuration <boot>
      When <size> of memory at <start> is hot-added
      And <size> of memory at <start> is hot-removed
      Then the page tables are exactly as before the hot-add
      And the teardowns ran in the order "<teardowns>"

      Examples: several sections: one vmemmap_free per section, then the linear map once
        | boot                        | size | start          | teardowns                                        | why                        |
        | 16K/47 with rodata_full off | 2G   | 0x200040000000 | vmemmap_free, vmemmap_free, __remove_pgd_mapping | two sections, block-mapped |

  Rule: Tables first needed by memory at the top of the linear map's reach span past VMEMMAP_END and are never freed

  The last section the linear map can reach has its struct pages in the last 2M-aligned block below
  VMEMMAP_END; the tables that hold them also map the guard above it, up to the top of the address
  space. pgtable_range_aligned rejects them as beyond the ceiling, empty or not. 64K/52 is the
  exception: its linear map reaches 51 bits of memory, whose struct pages stay far below
  VMEMMAP_END, so its last section restores the tables like any other.

    Scenario Outline: the last section in reach on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added
      And the section at <section> is hot-removed
      Then the page tables are not as before the hot-add
      And the tables kept beyond the ceiling are <beyond ceiling>
      And the tables left behind are none in the linear map and <left> in vmemmap

      Examples: block-mapped (the linear map frees all its tables either way)
        | boot                        | section        | beyond ceiling | left         | why                                    |
        | 4K/39 with rodata_full off  | 0x4000000000   | 1 PMD          | 1 PMD        | 4K vmemmap is PMD blocks: no PTE table |
        | 4K/48 with rodata_full off  | 0x800000000000 | 1 PUD, 1 PMD   | 1 PUD, 1 PMD | PGD entry 511 is first used here       |
        | 16K/48 with rodata_full off | 0x800000000000 | 1 PMD, 1 PTE   | 1 PMD, 1 PTE | the shared PUD table above them stays  |
        | 64K/48 with rodata_full off | 0x800000000000 | 1 PTE          | 1 PTE        | the PMD table existed: VMEMMAP_START's |
