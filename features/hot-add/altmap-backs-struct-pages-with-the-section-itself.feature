@hot-add
Feature: With an altmap, a hot-added section's struct pages live in the section itself
  A driver hot-adding a large range (device memory, say) may ask, through a struct vmem_altmap, that
  the struct pages describing the range be carved out of the range itself rather than taken from
  the page allocator. On hot-remove those pages go back to the altmap — they belong to the memory
  being removed — and never to the page allocator, which never owned them.

  A note on history: v5.7 did not do this. Its arm64 vmemmap_populate allocated the backing from the
  page allocator on every granule and vmemmap_free never handed anything to an altmap; arm64 gained
  altmap support shortly after ("arm64/mm: Enable vmem_altmap support for vmemmap mappings"), for the
  2M blocks of 4K and then for base pages too. The model follows that later behaviour when a scenario
  asks for an altmap, and v5.7's when it does not.
  test/hotplug/add.test.ts adds and removes the section with and without an altmap on all eight
  configurations.

  Rule: With an altmap the struct pages come from the section and go back to the altmap

    Scenario Outline: an altmap on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added with an altmap
      Then the struct pages of the section at 0x200000000 are backed by pages from the section itself
      When the section at 0x200000000 is hot-removed
      Then hot-remove gave <pages> pages of vmemmap backing back to the altmap
      And the page tables are exactly as before the hot-add

      Examples: 4K, 2M blocks carved from the section
        | config | pages | why                                 |
        | 4K/48  | 4096  | 16M of struct pages: 8 blocks of 2M |

      Examples: 16K and 64K, base pages carved from the section
        | config | pages | why                           |
        | 16K/36 | 256   | 4M of struct pages, 16K pages |
        | 64K/52 | 16    | 1M of struct pages, 64K pages |

  Rule: Without an altmap, every granule takes its struct pages from the page allocator and gives them back

    Scenario Outline: no altmap on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      Then the struct pages of the section at 0x200000000 are backed by pages from the page allocator
      When the section at 0x200000000 is hot-removed
      Then hot-remove gave <pages> pages of vmemmap backing back to the page allocator

      Examples:
        | config | pages | why              |
        | 4K/48  | 4096  | 8 blocks of 2M   |
        | 16K/48 | 256   | 256 pages of 16K |
        | 64K/48 | 16    | 16 pages of 64K  |
