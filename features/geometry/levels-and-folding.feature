@geometry
Feature: Page-table levels and folding for every arm64 configuration
  An arm64 kernel is built for one translation granule (4K, 16K or 64K pages) and one width of
  kernel virtual address (VA_BITS). These two numbers decide everything else about the page tables:
  how many levels a walk has, how many address bits each level resolves, how many entries a table
  page holds, which of the kernel's five level names (PGD, P4D, PUD, PMD, PTE) are real tables and
  which are folded into the level above, and how long a contiguous-hint run is.

  Hot-remove frees empty tables level by level with one loop shape, so every later feature leans on
  these facts: which levels exist, what span one table covers, where blocks may sit. The values come
  from arch/arm64/include/asm/pgtable-hwdef.h and arch/arm64/Kconfig of Linux v5.7.

  Rule: A configuration walks (VA_BITS − 4) / (PAGE_SHIFT − 3) levels, rounded down, and folds the rest

    Scenario Outline: Levels and folded levels of a configuration
      Given the configuration <config>
      Then the kernel page tables have <levels> levels
      And the folded levels are <folded>

      Examples: 4K granule
        | config | levels | folded        | why                                           |
        | 4K/39  | 3      | P4D, PUD      | the PGD holds PMD tables directly             |
        | 4K/48  | 4      | P4D           | the configuration of the hot-remove thread    |

      Examples: 16K granule
        | config | levels | folded        | why                                           |
        | 16K/36 | 2      | P4D, PUD, PMD | the PGD points straight at PTE tables         |
        | 16K/47 | 3      | P4D, PUD      | one bit short of a fourth level               |
        | 16K/48 | 4      | P4D           | that one extra bit costs a whole level        |

      Examples: 64K granule
        | config | levels | folded        | why                                           |
        | 64K/42 | 2      | P4D, PUD, PMD | the smallest 64K kernel                       |
        | 64K/48 | 3      | P4D, PUD      | a 64-entry PGD                                |
        | 64K/52 | 3      | P4D, PUD      | 52 bits fit the same three levels             |

  Rule: Each level below the PGD resolves PAGE_SHIFT − 3 bits; the PGD resolves whatever is left

    Scenario Outline: One real level of a configuration
      Given the configuration <config>
      Then the <level> level is lookup level <hw> with shift <shift>
      And a <level> table holds <entries> entries, each mapping <maps>

      Examples: 4K granule
        | config | level | hw | shift | entries | maps | why                                  |
        | 4K/39  | PGD   | 1  | 30    | 512     | 1G   | a PGD entry maps what a PUD would    |
        | 4K/39  | PMD   | 2  | 21    | 512     | 2M   | 2M blocks                            |
        | 4K/39  | PTE   | 3  | 12    | 512     | 4K   | the page itself                      |
        | 4K/48  | PGD   | 0  | 39    | 512     | 512G | entry 507 covers vmalloc's end       |
        | 4K/48  | PUD   | 1  | 30    | 512     | 1G   | only 4K allows PUD blocks            |
        | 4K/48  | PMD   | 2  | 21    | 512     | 2M   | one vmemmap block                    |
        | 4K/48  | PTE   | 3  | 12    | 512     | 4K   | the page itself                      |

      Examples: 16K granule
        | config | level | hw | shift | entries | maps | why                                  |
        | 16K/36 | PGD   | 2  | 25    | 2048    | 32M  | the PGD is a level-2 table           |
        | 16K/36 | PTE   | 3  | 14    | 2048    | 16K  | the page itself                      |
        | 16K/47 | PGD   | 1  | 36    | 2048    | 64G  | a full-size table at the top         |
        | 16K/47 | PMD   | 2  | 25    | 2048    | 32M  | 32M blocks                           |
        | 16K/47 | PTE   | 3  | 14    | 2048    | 16K  | the page itself                      |
        | 16K/48 | PGD   | 0  | 47    | 2       | 128T | two entries: linear map, the rest    |
        | 16K/48 | PUD   | 1  | 36    | 2048    | 64G  | no blocks at this level with 16K     |
        | 16K/48 | PMD   | 2  | 25    | 2048    | 32M  | 32M blocks                           |
        | 16K/48 | PTE   | 3  | 14    | 2048    | 16K  | the page itself                      |

      Examples: 64K granule
        | config | level | hw | shift | entries | maps | why                                  |
        | 64K/42 | PGD   | 2  | 29    | 8192    | 512M | the PGD is a level-2 table           |
        | 64K/42 | PTE   | 3  | 16    | 8192    | 64K  | the page itself                      |
        | 64K/48 | PGD   | 1  | 42    | 64      | 4T   | only 6 bits left for the top         |
        | 64K/48 | PMD   | 2  | 29    | 8192    | 512M | 512M blocks                          |
        | 64K/48 | PTE   | 3  | 16    | 8192    | 64K  | the page itself                      |
        | 64K/52 | PGD   | 1  | 42    | 1024    | 4T   | 52-bit VA widens only the PGD        |
        | 64K/52 | PMD   | 2  | 29    | 8192    | 512M | 512M blocks                          |
        | 64K/52 | PTE   | 3  | 16    | 8192    | 64K  | the page itself                      |

  Rule: A folded level is no table: its entry maps as much as the level above it

    Scenario Outline: Sizes of the folded levels
      Given the configuration <config>
      Then the PUD level maps <PUD_SIZE> per entry
      And the PMD level maps <PMD_SIZE> per entry

      Examples: Three levels fold the PUD into the PGD
        | config | PUD_SIZE | PMD_SIZE | why                                        |
        | 4K/39  | 1G       | 2M       | PUD_SIZE is PGDIR_SIZE                     |
        | 16K/47 | 64G      | 32M      | PUD_SIZE is PGDIR_SIZE                     |
        | 64K/48 | 4T       | 512M     | PUD_SIZE is PGDIR_SIZE                     |
        | 64K/52 | 4T       | 512M     | PUD_SIZE is PGDIR_SIZE                     |

      Examples: Two levels fold the PMD as well
        | config | PUD_SIZE | PMD_SIZE | why                                        |
        | 16K/36 | 32M      | 32M      | PUD, PMD and PGD entries all map 32M       |
        | 64K/42 | 512M     | 512M     | PUD, PMD and PGD entries all map 512M      |

      Examples: Four levels fold nothing but the P4D
        | config | PUD_SIZE | PMD_SIZE | why                                        |
        | 4K/48  | 1G       | 2M       | both are real tables                       |
        | 16K/48 | 64G      | 32M      | both are real tables                       |

  Rule: A contiguous-hint run has a fixed number of entries per granule, whatever the level count

    Scenario Outline: Contiguous PTE and PMD runs
      Given the configuration <config>
      Then a contiguous PTE run is <PTEs> entries, <CONT_PTE_SIZE> in all
      And a contiguous PMD run is <PMDs> entries, <CONT_PMD_SIZE> in all

      Examples: 4K granule
        | config | PTEs | CONT_PTE_SIZE | PMDs | CONT_PMD_SIZE | why                                  |
        | 4K/39  | 16   | 64K           | 16   | 32M           | same runs as 4K/48                   |
        | 4K/48  | 16   | 64K           | 16   | 32M           | the configuration of the thread      |

      Examples: 16K granule
        | config | PTEs | CONT_PTE_SIZE | PMDs | CONT_PMD_SIZE | why                                  |
        | 16K/36 | 128  | 2M            | 32   | 1G            | defined, never formed on PGD blocks  |
        | 16K/47 | 128  | 2M            | 32   | 1G            | three levels, the same runs          |
        | 16K/48 | 128  | 2M            | 32   | 1G            | four levels, the same runs           |

      Examples: 64K granule
        | config | PTEs | CONT_PTE_SIZE | PMDs | CONT_PMD_SIZE | why                                  |
        | 64K/42 | 32   | 2M            | 32   | 16G           | defined, never formed on PGD blocks  |
        | 64K/48 | 32   | 2M            | 32   | 16G           | three levels, the same runs          |
        | 64K/52 | 32   | 2M            | 32   | 16G           | a wider PGD changes no run           |

  Rule: Memory is hot-plugged in 1G sections, and each page of a section needs a 64-byte struct page

    Scenario Outline: The vmemmap behind one section
      Given the configuration <config>
      Then a memory section is 1G and its struct pages fill <vmemmap> of vmemmap

      Examples: One row per configuration
        | config | vmemmap | why                                  |
        | 4K/39  | 16M     | eight 2M PMD blocks                  |
        | 4K/48  | 16M     | eight 2M PMD blocks                  |
        | 16K/36 | 4M      | 256 base pages of 16K                |
        | 16K/47 | 4M      | 256 base pages of 16K                |
        | 16K/48 | 4M      | 256 base pages of 16K                |
        | 64K/42 | 1M      | 16 base pages of 64K                 |
        | 64K/48 | 1M      | 16 base pages of 64K                 |
        | 64K/52 | 1M      | 16 base pages of 64K                 |

  Rule: Only the eight configurations that v5.7 builds are accepted

    Scenario Outline: An unsupported configuration is refused
      When a kernel is configured as "<config>"
      Then the configuration is refused, naming the eight supported ones

      Examples: Not offered by arch/arm64/Kconfig
        | config | why                                        |
        | 8K/48  | there is no 8K granule                     |
        | 4K/52  | 52-bit VA needs 64K pages in v5.7          |
        | 16K/39 | 16K pages come with 36, 47 or 48 bits      |
        | 64K/39 | 64K pages come with 42, 48 or 52 bits      |
