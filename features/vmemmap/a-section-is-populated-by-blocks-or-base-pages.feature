@vmemmap
Feature: vmemmap_populate maps a section's struct pages with PMD blocks on 4K, base pages otherwise
  A memory section is 1G (SECTION_SIZE_BITS 30 in v5.7); its struct pages take 1G / PAGE_SIZE × 64
  bytes of vmemmap: 16M with 4K pages, 4M with 16K, 1M with 64K. On 4K, vmemmap_populate installs
  2M PMD blocks (vmemmap_populate with a 2M backing block per empty PMD entry): 8 per section. On 16K
  and 64K it maps base pages one PTE at a time (vmemmap_populate_basepages): 256 and 16 per section.
  Each leaf is backed by freshly allocated memory, which vmemmap_free gives back on hot-remove.

  The section at physical 0xc0000000 is the first above the 2G of boot memory: its struct pages start
  2G / PAGE_SIZE × 64 bytes above VMEMMAP_START (32M, 8M or 2M), right after those of boot memory.
  With 4K and 16K pages the table they need was built at boot for boot memory's struct pages; with
  64K pages boot memory's 2M of struct pages end exactly at a 512M boundary, so a new PTE table is
  needed. A section at 128G lies far from boot memory (127 × 16M, 4M or 1M above VMEMMAP_START) and
  needs a table of its own: a PMD table with 4K pages (its 1G PUD entry is empty), a PTE table
  otherwise.
  test/mappings/vmemmap.test.ts populates both sections on all eight configurations.

  Rule: A section's vmemmap is 8 PMD blocks of 2M with 4K pages, 256 PTE pages with 16K, 16 PTE pages with 64K

    Scenario Outline: the section at physical <pa> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the vmemmap of the section at physical <pa> is populated
      Then <size> from <start> is mapped by <leaves>
      And every leaf of <size> from <start> is backed by vmemmap pages
      And the tables allocated are <tables>
      And the live table counts agree with the tables reachable from swapper_pg_dir

      Examples: the section just above boot memory
        | config | pa         | start              | size | leaves       | tables | why                                    |
        | 4K/48  | 0xc0000000 | 0xfffffe0001e00000 | 16M  | 8 PMD blocks | none   | boot's PMD table under PGD[508]/PUD[0] |
        | 64K/48 | 0xc0000000 | 0xffffffe000000000 | 1M   | 16 PTE pages | 1 PTE  | starts a new 512M PMD entry            |

      Examples: a section at 128G, far from boot memory
        | config | pa           | start              | size | leaves        | tables | why                             |
        | 4K/48  | 0x2000000000 | 0xfffffe007ee00000 | 16M  | 8 PMD blocks  | 1 PMD  | PUD[1] under PGD[508] was empty |
        | 16K/47 | 0x2000000000 | 0xffffffc01fa00000 | 4M   | 256 PTE pages | 1 PTE  | PMD[253] was empty              |

  Rule: Populating a section that is already populated only verifies its entries and changes nothing

    Scenario Outline: the section at 0xc0000000 populated twice on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And the vmemmap of the section at physical 0xc0000000 is populated
      When the vmemmap of the section at physical 0xc0000000 is populated
      Then the tables allocated are none
      And the kernel state is unchanged

      Examples: a block granule and a page granule
        | config | why                                 |
        | 4K/48  | every PMD entry is already a block  |
        | 64K/48 | every PTE is already a page         |
