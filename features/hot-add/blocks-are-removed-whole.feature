@hot-add
Feature: A block in the linear map is cleared whole, with one TLB invalidation
  With rodata_full off, arch_add_memory maps a hot-added section with the largest blocks its
  alignment allows: a 1G PUD block on 4K (a block straight in the PGD on 4K/39, whose PGD entries
  are 1G), 32M PMD blocks on 16K, 512M PMD blocks on 64K (PGD blocks where the PMD is folded). On
  hot-remove, unmap_hotplug_range meets each block as one entry: it clears it and invalidates the TLB
  once, at the block's address — one entry caches the whole block, so one invalidation is enough.
  Runs with the contiguous bit (16K's 32 × 32M) get no special treatment in v5.7: each entry of the
  run is cleared and invalidated on its own.
  test/hotplug/add.test.ts removes the section block by block on all eight configurations.

  Rule: Each block of the section's linear map is cleared once and invalidated once

    Scenario Outline: the section at 0x200000000 on <config>, block-mapped
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      Then 1G from <linear address> is mapped by <leaves>
      When the section at 0x200000000 is hot-removed
      Then the linear map of the section was cleared leaf by leaf, <leaves>, each with one TLB invalidation
      And the page tables are exactly as before the hot-add

      Examples:
        | config | linear address     | leaves        | why                              |
        | 4K/48  | 0xffff0001c0000000 | 1 PUD block   | a PUD block needs the 4K granule |
        | 16K/36 | 0xfffffff1c0000000 | 32 PGD blocks | the PMD is folded into the PGD   |
        | 16K/47 | 0xffff8001c0000000 | 32 PMD blocks | one CONT run of 32 PMDs          |
        | 64K/48 | 0xffff0001c0000000 | 2 PMD blocks  | 512M blocks                      |

  Rule: Removing part of a block removes the whole block

  v5.7 never splits a block on the way out. unmap_hotplug_range meets the one entry that maps the
  range's first address, finds it a block (p*d_sect), and clears it whole: every address that block
  mapped is gone, inside the range or not, while the next block is left as it was. (A 2026 fix
  refuses a hot-remove whose edge would split a block instead.)

    Scenario Outline: <removed> of a <block> block on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2G of physical memory at 0x200000000 is mapped into the linear map with flags none
      Then 2G from <linear address> is mapped by <leaves>
      When the linear map of <removed> of physical memory at <at> is torn down
      Then the address <gone> is not mapped
      And the address <next block> is mapped

      Examples:
        | config | linear address     | leaves       | block | removed | at          | gone               | next block         | why                             |
        | 4K/48  | 0xffff0001c0000000 | 2 PUD blocks | 1G    | 2M      | 0x200000000 | 0xffff0001fffff000 | 0xffff000200000000 | 2M of a 1G PUD block            |
        | 4K/39  | 0xffffff81c0000000 | 2 PGD blocks | 1G    | 4K      | 0x23ffff000 | 0xffffff81c0000000 | 0xffffff8200000000 | the last page of a 1G PGD block |
        | 64K/48 | 0xffff0001c0000000 | 4 PMD blocks | 512M  | 64K     | 0x200000000 | 0xffff0001dfff0000 | 0xffff0001e0000000 | 64K of a 512M PMD block         |

    Scenario: 4K of a 2M PMD block on 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      And 4M of physical memory at 0x200000000 is mapped into the linear map with flags none
      Then 4M from 0xffff0001c0000000 is mapped by 2 PMD blocks
      When the linear map of 4K of physical memory at 0x200001000 is torn down
      Then the address 0xffff0001c0000000 is not mapped
      And the address 0xffff0001c01ff000 is not mapped
      And the address 0xffff0001c0200000 is mapped
