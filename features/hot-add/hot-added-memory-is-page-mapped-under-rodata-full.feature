@hot-add
Feature: Hot-added memory is page-mapped while rodata_full is on, block-mapped when it is off
  arch_add_memory passes NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS to __create_pgd_mapping when rodata_full
  (on by default in v5.7) or debug_pagealloc is on, so that permissions can later be changed page
  by page; otherwise it lets the mapping use blocks and contiguous runs. Which one it is decides what
  hot-remove finds: PTE tables to free in the first case, blocks to clear in the second.

  Each example looks at the first block-sized piece of the section at 0x200000000 (2M on 4K, 32M on
  16K, 512M on 64K). test/hotplug/add.test.ts checks every leaf of the section on all eight
  configurations, with rodata_full on and off.

  Rule: With rodata_full on, the section is mapped with pages and no contiguous bit

    Scenario Outline: rodata_full on, <config>
      Given a kernel booted with the configuration <config> and 256M of boot memory
      When the section at 0x200000000 is hot-added
      Then <size> from <linear address> is mapped by <leaves>
      And every leaf of <size> from <linear address> has the contiguous bit clear

      Examples:
        | config | size | linear address     | leaves         | why                                  |
        | 4K/48  | 2M   | 0xffff0001c0000000 | 512 PTE pages  | 4K pages: 512 to a PTE table         |
        | 16K/36 | 32M  | 0xfffffff1c0000000 | 2048 PTE pages | two levels: PTE tables under the PGD |
        | 64K/52 | 512M | 0xfff00001c0000000 | 8192 PTE pages | 64K pages: 8192 to a PTE table       |

  Rule: With rodata_full off, the section is mapped with the largest blocks, contiguous where a whole run fits below the PGD

    Scenario Outline: rodata_full off, <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x200000000 is hot-added
      Then <size> from <linear address> is mapped by <leaves>
      And every leaf of <size> from <linear address> has the contiguous bit <cont>

      Examples:
        | config | size | linear address     | leaves      | cont  | why                             |
        | 4K/48  | 2M   | 0xffff0001c0000000 | 1 PUD block | clear | inside a 1G PUD block           |
        | 16K/36 | 32M  | 0xfffffff1c0000000 | 1 PGD block | clear | a PGD block is never CONT       |
        | 16K/47 | 32M  | 0xffff8001c0000000 | 1 PMD block | set   | 32 × 32M: one CONT run          |
        | 64K/48 | 512M | 0xffff0001c0000000 | 1 PMD block | clear | a CONT run of 32 PMDs needs 16G |
