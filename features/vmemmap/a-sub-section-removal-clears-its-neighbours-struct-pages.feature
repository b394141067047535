@vmemmap
Feature: Removing one 2M sub-section clears the struct pages of its neighbours too
  Since v5.3 sparsemem tracks present memory in 2M sub-sections, and ZONE_DEVICE memory (memremap_pages)
  may be added and removed one sub-section at a time. Removing a sub-section, section_deactivate hands
  vmemmap_free (through depopulate_section_memmap) the struct pages of that sub-section alone: 2M of
  memory in pages of 64 bytes each — 32K of vmemmap with 4K pages, 8K with 16K, 2K with 64K.

  This is a fact of v5.7, not a choice of this manual: arm64's vmemmap_free clears every vmemmap leaf
  that range touches, whole, and frees what the leaf mapped. A leaf holds the struct pages of more
  than one sub-section — on 4K a 2M PMD block holds those of 64 sub-sections (128M of memory), on 16K a
  16K page those of 2, on 64K a 64K page those of 32 — so the neighbours' struct pages go with it
  while their memory is still present. The table holding the leaf has other live entries and stays.
  The 2025 fix (d4234d131b0a, "Populate vmemmap at the page level if not section aligned") maps a
  sub-section's struct pages with base pages on 4K, so that its vmemmap_free no longer reaches them.

  Each scenario hot-adds the whole section at 0x200000000, so every sub-section around the removed
  one is present, and frees the struct pages of one sub-section as removing it does.

  Rule: vmemmap_free of one sub-section's struct pages clears the whole vmemmap leaf holding them

    Scenario Outline: the sub-section at <sub-section> on <config>
      Given a kernel booted with the configuration <config>
      And the section at 0x200000000 is hot-added
      When the struct pages of the sub-section at <sub-section> are freed
      Then vmemmap_free cleared 1 <leaf> entry and freed <backing> of struct-page backing
      And the struct pages of <gone> of memory at 0x200000000 are unmapped
      And the struct pages of 2M of memory at <kept> are still mapped
      And no table page was freed

      Examples: one leaf per granule
        | config | sub-section | leaf | backing | gone | kept        | why                                         |
        | 4K/48  | 0x200200000 | PMD  | 2M      | 128M | 0x208000000 | a 2M block: 64 sub-sections' struct pages   |
        | 16K/47 | 0x200200000 | PTE  | 16K     | 4M   | 0x200400000 | a 16K page: the sub-section and one more    |
        | 64K/48 | 0x200200000 | PTE  | 64K     | 64M  | 0x204000000 | a 64K page: 32 sub-sections' struct pages   |

      Examples: the last sub-section of a leaf takes those before it
        | config | sub-section | leaf | backing | gone | kept        | why                                         |
        | 4K/48  | 0x207e00000 | PMD  | 2M      | 128M | 0x208000000 | the 63 sub-sections below it go with it    |
