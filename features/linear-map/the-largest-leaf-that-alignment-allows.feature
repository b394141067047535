@linear-map
Feature: __create_pgd_mapping maps with the largest leaf that alignment allows
  __create_pgd_mapping walks PGD → PUD → PMD → PTE over a range, allocating the tables it finds
  missing. At each level it writes a block when the level can hold one, the virtual address, the end
  of the step and the physical address are all aligned to the block, and NO_BLOCK_MAPPINGS is clear;
  otherwise it descends into a table. Aligned runs of CONT_PMDS blocks or CONT_PTES pages get the
  contiguous bit. What it builds is what hot-remove later has to take apart: a 1G PUD block is cleared
  whole, a page-mapped range leaves PTE tables behind to free.

  Every scenario boots with rodata_full off, so that only the mapping's own flags decide, and maps a
  range above boot memory (which ends at 0xc0000000). The linear-map address of physical P is
  PAGE_OFFSET + (P − 0x40000000), PHYS_OFFSET being 0x40000000: so 0x100000000 maps at
  PAGE_OFFSET + 0xc0000000. Block sizes: 4K — PUD 1G, PMD 2M; 16K — PMD 32M; 64K — PMD 512M. On
  two-level configurations the PMD is folded into the PGD, so the PMD-sized blocks are PGD entries;
  on 4K/39 the PUD is folded, so the 1G blocks are PGD entries. CONT runs (v5.7): 4K 16 PMDs (32M)
  and 16 PTEs (64K); 16K 32 PMDs (1G) and 128 PTEs (2M); 64K 32 PMDs (16G) and 32 PTEs (2M) — but
  never on the PGD's own blocks: __create_pgd_mapping hands the level below one PGD entry at a time,
  so on 16K/36 and 64K/42, where the PMD is folded into the PGD, alloc_init_cont_pmd only ever sees
  a single entry and a run of 32 never forms.

  test/mappings/linear-map-flags.test.ts maps every request of these rules, and 1G on all eight
  configurations, checking each leaf against the kernel's rules; create-mapping-blocks.test.ts does
  the same for random ranges.

  Rule: A PUD block maps 1G only with 4K pages; 16K and 64K map the same gigabyte with PMD blocks

    Scenario Outline: 1G at physical 0x100000000 on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 1G of physical memory at 0x100000000 is mapped into the linear map with flags none
      Then 1G from <va> is mapped by <leaves>
      And every leaf of 1G from <va> has the contiguous bit <cont>
      And the tables allocated are none

      Examples: a PUD block, a folded PUD, and PMD blocks with and without a CONT run
        | config | va                 | leaves        | cont  | why                                       |
        | 4K/39  | 0xffffff80c0000000 | 1 PGD block   | clear | the PUD is folded: the 1G block is PGD[3] |
        | 4K/48  | 0xffff0000c0000000 | 1 PUD block   | clear | PUD[3] of the boot PUD table              |
        | 16K/47 | 0xffff8000c0000000 | 32 PMD blocks | set   | 32 × 32M: exactly one CONT PMD run        |
        | 64K/48 | 0xffff0000c0000000 | 2 PMD blocks  | clear | 2 × 512M: a CONT run would need 16G       |

  Rule: The PGD's own blocks never carry the contiguous bit, because the PGD hands the level below one entry at a time

  In v5.7 the top loop of __create_pgd_mapping calls alloc_init_pud for one PGD entry's range, and a
  folded PUD passes that same range to alloc_init_cont_pmd. Where the PMD is a real level, that range
  is a whole PGD entry holding many PMD entries, and an aligned run of CONT_PMDS forms inside it. Where
  the PMD is folded into the PGD, the range is a single block, never a whole run, so the contiguous bit
  stays clear however well the range is aligned. ptdump shows it: no CON on those lines.

    Scenario Outline: <size> mapped at <va> on <config>, aligned to a whole CONT PMD run
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped at the address <va> with flags none
      Then <size> from <va> is mapped by <leaves>
      And every leaf of <size> from <va> has the contiguous bit <cont>
      And ptdump shows <size> from <va> as one <level> line with "<attributes>"

      Examples: the PMD folded into the PGD: no run ever forms
        | config | size | pa          | va                 | leaves        | cont  | level | attributes                      | why                              |
        | 16K/36 | 1G   | 0x100000000 | 0xfffffff0c0000000 | 32 PGD blocks | clear | PGD   | RW NX SHD AF BLK UXN MEM/NORMAL | 1G-aligned both ways, 32 × 32M   |
        | 64K/42 | 16G  | 0x400000000 | 0xfffffc0400000000 | 32 PGD blocks | clear | PGD   | RW NX SHD AF BLK UXN MEM/NORMAL | 16G-aligned both ways, 32 × 512M |

      Examples: a real PMD level: the run forms inside one PGD entry
        | config | size | pa          | va                 | leaves        | cont | level | attributes                          | why                     |
        | 16K/47 | 1G   | 0x100000000 | 0xffff8000c0000000 | 32 PMD blocks | set  | PMD   | RW NX SHD AF CON BLK UXN MEM/NORMAL | the PGD entry spans 64G |

  Rule: What a larger block cannot map aligned is mapped with the next smaller leaf, allocating the tables it needs

    Scenario Outline: <size> at physical <pa> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped into the linear map with flags none
      Then <size> from <va> is mapped by <leaves>
      And the tables allocated are <tables>

      Examples: 4K pages
        | config | size  | pa          | va                 | leaves                    | tables       | why                                         |
        | 4K/48  | 2M    | 0x100200000 | 0xffff0000c0200000 | 1 PMD block               | 1 PMD        | 2M-aligned only: PUD[3] gets a PMD table    |
        | 4K/48  | 1G    | 0x100200000 | 0xffff0000c0200000 | 512 PMD blocks            | 2 PMD        | straddles PUD[3] and PUD[4]: two PMD tables |
        | 4K/48  | 2112K | 0x100200000 | 0xffff0000c0200000 | 1 PMD block, 16 PTE pages | 1 PMD, 1 PTE | 2M block, then the 64K tail in pages        |

      Examples: 16K pages
        | config | size | pa          | va                 | leaves                     | tables | why                                      |
        | 16K/36 | 34M  | 0x102000000 | 0xfffffff0c2000000 | 1 PGD block, 128 PTE pages | 1 PTE  | a 32M PGD block, then a 2M tail in pages |

  Rule: A run of blocks or pages aligned to the CONT size, in both address and physical address, gets the contiguous bit

    Scenario Outline: <size> at physical <pa> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped into the linear map with flags none
      Then <size> from <va> is mapped by <leaves>
      And every leaf of <size> from <va> has the contiguous bit <cont>

      Examples: whole runs
        | config | size | pa          | va                 | leaves        | cont | why                  |
        | 4K/48  | 32M  | 0x102000000 | 0xffff0000c2000000 | 16 PMD blocks | set  | CONT_PMDS = 16 × 2M  |
        | 64K/48 | 2M   | 0x100200000 | 0xffff0000c0200000 | 32 PTE pages  | set  | CONT_PTES = 32 × 64K |

      Examples: runs that cannot be whole
        | config | size | pa          | va                 | leaves        | cont  | why                                             |
        | 4K/48  | 60K  | 0x100010000 | 0xffff0000c0010000 | 15 PTE pages  | clear | one page short of a run                         |
        | 64K/48 | 16G  | 0x440000000 | 0xffff000400000000 | 32 PMD blocks | clear | VA is 16G-aligned, PA is not: PHYS_OFFSET is 1G |
