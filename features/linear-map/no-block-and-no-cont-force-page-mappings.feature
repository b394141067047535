@linear-map
Feature: NO_BLOCK_MAPPINGS and NO_CONT_MAPPINGS, and rodata_full which sets them
  __create_pgd_mapping takes two flags. NO_BLOCK_MAPPINGS forbids blocks at every level, so the range
  is mapped with pages and a PTE table is allocated under every PMD entry it touches;
  NO_CONT_MAPPINGS leaves the contiguous bit clear. map_mem sets both for the boot linear map, and
  arch_add_memory for hot-added memory, when rodata_full (on by default in v5.7) or debug_pagealloc
  is on — so by default the linear map is all PTE tables, and hot-remove has PTE tables to free.

  The size in each example is one PMD-sized block of the configuration (4K: 2M, 16K: 32M, 64K: 512M),
  at a physical address aligned to it whose linear-map address is aligned too, so that without flags
  it is exactly one block. PTE counts are that size over the page size: 512, 2048 and 8192.
  A few configurations are shown; test/mappings/linear-map-flags.test.ts maps the same on all eight,
  and checks every leaf of the boot linear map against the kernel's rules.

  Rule: NO_BLOCK_MAPPINGS maps with pages only, and aligned runs of pages still get the contiguous bit

    Scenario Outline: one PMD-sized block's worth of <config> with flags <flags>
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      Then <size> from <va> is mapped by <leaves>
      And every leaf of <size> from <va> has the contiguous bit <cont>
      And the tables allocated are <tables>

      Examples: without flags: one block
        | config | flags | size | pa          | va                 | leaves      | cont  | tables | why                            |
        | 4K/48  | none  | 2M   | 0x100200000 | 0xffff0000c0200000 | 1 PMD block | clear | 1 PMD  | PUD[3] needs a PMD table       |
        | 16K/36 | none  | 32M  | 0x102000000 | 0xfffffff0c2000000 | 1 PGD block | clear | none   | the PMD is folded into the PGD |

      Examples: NO_BLOCK_MAPPINGS: pages, in CONT runs
        | config | flags             | size | pa          | va                 | leaves         | cont | tables       | why                  |
        | 4K/48  | NO_BLOCK_MAPPINGS | 2M   | 0x100200000 | 0xffff0000c0200000 | 512 PTE pages  | set  | 1 PMD, 1 PTE | 32 runs of 16 × 4K   |
        | 64K/48 | NO_BLOCK_MAPPINGS | 512M | 0x120000000 | 0xffff0000e0000000 | 8192 PTE pages | set  | 1 PTE        | 256 runs of 32 × 64K |

  Rule: NO_CONT_MAPPINGS leaves the contiguous bit clear on blocks and pages alike

    Scenario Outline: a whole CONT run's worth of <config> with flags <flags>
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      Then <size> from <va> is mapped by <leaves>
      And every leaf of <size> from <va> has the contiguous bit clear

      Examples: blocks
        | config | flags            | size | pa          | va                 | leaves        | why                          |
        | 4K/48  | NO_CONT_MAPPINGS | 32M  | 0x102000000 | 0xffff0000c2000000 | 16 PMD blocks | would be one CONT PMD run    |
        | 16K/47 | NO_CONT_MAPPINGS | 1G   | 0x100000000 | 0xffff8000c0000000 | 32 PMD blocks | would be one CONT PMD run    |

      Examples: pages, as arch_add_memory maps hot-added memory under rodata_full
        | config | flags                                | size | pa          | va                 | leaves        | why                      |
        | 4K/48  | NO_BLOCK_MAPPINGS \| NO_CONT_MAPPINGS | 2M   | 0x100200000 | 0xffff0000c0200000 | 512 PTE pages | would be 32 CONT runs    |
        | 64K/48 | NO_BLOCK_MAPPINGS \| NO_CONT_MAPPINGS | 2M   | 0x100200000 | 0xffff0000c0200000 | 32 PTE pages  | would be one CONT run    |

  Rule: rodata_full, on by default in v5.7, page-maps the linear map without the contiguous bit

    Scenario Outline: the first <size> of the linear map of <boot>
      Given a kernel booted with the configuration <boot>
      Then <size> from <va> is mapped by <leaves>
      And every leaf of <size> from <va> has the contiguous bit <cont>

      Examples: rodata_full on (the default): pages, no CONT
        | boot  | size | va                 | leaves        | cont  | why                 |
        | 4K/48 | 2M   | 0xffff000000000000 | 512 PTE pages | clear | NO_BLOCK \| NO_CONT |

      Examples: rodata_full off: blocks, with CONT where a whole run is aligned
        | boot                        | size | va                 | leaves      | cont | why                            |
        | 16K/47 with rodata_full off | 32M  | 0xffff800000000000 | 1 PMD block | set  | 2G of boot memory: 2 CONT runs |

    Scenario Outline: memory mapped into the linear map later takes the flags rodata_full implies (<boot>)
      Given a kernel booted with the configuration <boot>
      When 512M of physical memory at 0x120000000 is mapped into the linear map
      Then 512M from 0xffff0000e0000000 is mapped by <leaves>
      And every leaf of 512M from 0xffff0000e0000000 has the contiguous bit clear

      Examples: 64K/48, as arch_add_memory chooses its flags
        | boot                        | leaves         | why                                  |
        | 64K/48                      | 8192 PTE pages | rodata_full on: NO_BLOCK \| NO_CONT  |
        | 64K/48 with rodata_full off | 1 PMD block    | rodata_full off: no flags            |
