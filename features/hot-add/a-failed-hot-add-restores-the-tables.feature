@hot-add
Feature: A hot-add that fails part-way gives back the tables it took
  arch_add_memory maps the new memory into the linear map first, then populates the struct pages of
  each section (__add_pages → vmemmap_populate). If that fails — no memory for a vmemmap block — it
  tears the new linear map down again with __remove_pgd_mapping, the same two passes and the same
  floor and ceiling as hot-remove, and returns the error. The model injects the failure into the
  first section, before any of its struct pages are populated; the linear map must then be the only
  thing to undo, and undoing it must leave the page tables exactly as they were.
  test/hotplug/add.test.ts fails the same hot-adds on all eight configurations.

  Rule: When populating the first section's struct pages fails, the linear map is torn down and the page tables are as before

    Scenario Outline: a failed hot-add of the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added and populating its vmemmap fails
      Then the hot-add returned an OutOfMemoryError and rolled the linear map back
      And the page tables are exactly as before the hot-add
      And no memory is present at <section>

      Examples: page-mapped, next to boot memory (the v5.7 default, with 256M of boot memory)
        | boot                           | section     | why                                    |
        | 4K/48 and 256M of boot memory  | 0x200000000 | 512 PTE tables and a PMD table to free |
        | 64K/42 and 256M of boot memory | 0x200000000 | 2 PTE tables to free                   |

      Examples: block-mapped, in the middle of the linear map's reach, where the upper tables are fresh
        | boot                        | section        | why                            |
        | 4K/48 with rodata_full off  | 0x400040000000 | a fresh PUD table to free      |
        | 16K/36 with rodata_full off | 0x440000000    | 32M blocks straight in the PGD |
