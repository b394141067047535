@geometry
Feature: Page-table levels and folding for every arm64 configuration
  An arm64 kernel is built for one translation granule (4K, 16K or 64K pages) and one width of
  kernel virtual address (VA_BITS). These two numbers decide everything else about the page tables:
  how many levels a walk has, how many address bits each level resolves, how many entries a table
  page holds, which of the kernel's five level names (PGD, P4D, PUD, PMD, PTE) are real tables and
  which are folded into the level above, and how long a contiguous-hint run is.

  Hot-remove frees empty tables level by level with one loop shape, so every later feature leans on
  these facts: which levels exist, what span one table covers, where blocks may sit. The values come
  from arch/arm64/include/asm/pgtable-hwdef.h and arch/arm64/Kconfig of Linux v5.7; each rule shows
  a few configurations, and test/arch/geometry.test.ts checks all eight.

  Rule: A configuration walks (VA_BITS − 4) / (PAGE_SHIFT − 3) levels, rounded down, and folds the rest

    Scenario Outline: Levels and folded levels of a configuration
      Given the configuration <config>
      Then the kernel page tables have <levels> levels
      And the folded levels are <folded>

      Examples: From four levels down to two
        | config | levels | folded        | why                                         |
        | 4K/48  | 4      | P4D           | the configuration of the hot-remove thread  |
        | 16K/47 | 3      | P4D, PUD      | one bit short of the fourth level of 16K/48 |
        | 64K/52 | 3      | P4D, PUD      | 52 bits fit the same three levels as 48     |
        | 16K/36 | 2      | P4D, PUD, PMD | the PGD points straight at PTE tables       |

  Rule: Each level below the PGD resolves PAGE_SHIFT − 3 bits; the PGD resolves whatever is left

    Scenario Outline: One real level of a configuration
      Given the configuration <config>
      Then the <level> level is lookup level <hw> with shift <shift>
      And a <level> table holds <entries> entries, each mapping <maps>

      Examples: A full level, and PGDs of every width
        | config | level | hw | shift | entries | maps | why                                    |
        | 4K/48  | PUD   | 1  | 30    | 512     | 1G   | a full level: 9 bits with 4K pages     |
        | 4K/48  | PGD   | 0  | 39    | 512     | 512G | entry 507 covers vmalloc's end         |
        | 16K/48 | PGD   | 0  | 47    | 2       | 128T | one bit left: linear map, and the rest |
        | 64K/52 | PGD   | 1  | 42    | 1024    | 4T   | 52-bit VA widens only the PGD          |

  Rule: A folded level is no table: its entry maps as much as the level above it

    Scenario Outline: Sizes of the folded levels
      Given the configuration <config>
      Then the PUD level maps <PUD_SIZE> per entry
      And the PMD level maps <PMD_SIZE> per entry

      Examples: Four, three and two levels
        | config | PUD_SIZE | PMD_SIZE | why                                   |
        | 4K/48  | 1G       | 2M       | four levels: both are real tables     |
        | 16K/47 | 64G      | 32M      | three levels: PUD_SIZE is PGDIR_SIZE  |
        | 64K/42 | 512M     | 512M     | two levels: PUD, PMD and PGD map 512M |

  Rule: A contiguous-hint run has a fixed number of entries per granule, whatever the level count

    Scenario Outline: Contiguous PTE and PMD runs
      Given the configuration <config>
      Then a contiguous PTE run is <PTEs> entries, <CONT_PTE_SIZE> in all
      And a contiguous PMD run is <PMDs> entries, <CONT_PMD_SIZE> in all

      Examples: One configuration per granule
        | config | PTEs | CONT_PTE_SIZE | PMDs | CONT_PMD_SIZE | why                                 |
        | 4K/48  | 16   | 64K           | 16   | 32M           | the configuration of the thread     |
        | 16K/36 | 128  | 2M            | 32   | 1G            | defined, never formed on PGD blocks |
        | 64K/52 | 32   | 2M            | 32   | 16G           | a wider PGD changes no run          |

  Rule: Memory is hot-plugged in 1G sections, and each page of a section needs a 64-byte struct page

    Scenario Outline: The vmemmap behind one section
      Given the configuration <config>
      Then a memory section is 1G and its struct pages fill <vmemmap> of vmemmap

      Examples: One configuration per granule
        | config | vmemmap | why                   |
        | 4K/48  | 16M     | eight 2M PMD blocks   |
        | 16K/48 | 4M      | 256 base pages of 16K |
        | 64K/48 | 1M      | 16 base pages of 64K  |

  Rule: Only the eight configurations that v5.7 builds are accepted

    Scenario Outline: An unsupported configuration is refused
      When a kernel is configured as "<config>"
      Then the configuration is refused, naming the eight supported ones

      Examples: Not offered by arch/arm64/Kconfig
        | config | why                                   |
        | 8K/48  | there is no 8K granule                |
        | 4K/52  | 52-bit VA needs 64K pages in v5.7     |
        | 16K/39 | 16K pages come with 36, 47 or 48 bits |
        | 64K/39 | 64K pages come with 42, 48 or 52 bits |
