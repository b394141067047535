@boot
Feature: How many table pages each level holds after boot
  Hot-remove can only free table pages that exist, so the manual counts them. The model's machine
  boots with 2G of memory at 0x40000000 (PHYS_OFFSET), a kernel image of two 16M segments loaded at
  0x40080000 and linked at VMALLOC_START + 512K (v5.7's TEXT_OFFSET; it is 0 from v5.8), the fixmap
  with the device tree, the struct pages of the two boot sections, and three small vmalloc areas,
  placed lowest first: into the 512K below the image where they fit, else just after it. rodata_full
  is on, so the linear map is page-mapped.

  Counted level by level, the tables are:
  - PTE tables: the 2G linear map needs 2G / (the span of one PTE table): 2G / 2M = 1024 with 4K
    pages, 2G / 32M = 64 with 16K, 2G / 512M = 4 with 64K; plus bm_pte under FIXADDR_START; plus
    the image's: on 4K it is 2M PMD blocks except where TEXT_OFFSET leaves it off a 2M boundary — its
    first 1.5M (with the vmalloc areas below it), the 2M around the boundary of its segments, its last
    512K — three PTE tables; on 16K its 32M straddle two 32M PMD entries, two PTE tables, the first
    shared with the areas; on 64K image and areas share one 512M table; plus, on 16K, one for the
    struct pages that spill past the table bm_pte covers (on 4K they are PMD blocks; on 64K their 2M
    fit under bm_pte).
  - PMD tables (3 and 4 levels): the linear map's (two on 4K, whose PMD table spans 1G; one
    otherwise), one for the kernel image and vmalloc areas, bm_pmd, and on 4K and 16K one more for
    the struct pages that spill into the next PGD or PUD entry (on 64K they fit under bm_pmd).
  - PUD tables (4 levels): on 4K/48 one per PGD entry used — linear map, image, bm_pud for the
    fixmap, and the struct pages spilling into PGD[508] — four; on 16K/48 one per PGD entry, two.
  - One PGD: swapper_pg_dir.
  The model counts live tables as it allocates and frees them; each scenario also checks that count
  against a walk of everything reachable from swapper_pg_dir.

  The `made of` column names each table by what the leaves below it map, in address order: a region
  of the layout (linear map, vmalloc, fixmap, vmemmap) or the kernel image; a table of the kernel
  image itself by its symbol, with what lies below it; `×n` for a run of n alike tables. On 4K the
  fixmap's device tree is mapped by 2M blocks in bm_pmd, so bm_pte stays empty after boot.

  Rule: After boot each level holds the tables the boot mappings need, no more

    Scenario: the tables of 4K/48, level by level
      Given a kernel booted with the configuration 4K/48
      Then the table pages at each level are:
        | level | tables | made of                                                                |
        | PGD   | 1      | swapper_pg_dir                                                         |
        | PUD   | 4      | linear map, vmalloc and image, bm_pud (fixmap and vmemmap), vmemmap    |
        | PMD   | 5      | linear map ×2, vmalloc and image, bm_pmd (fixmap and vmemmap), vmemmap |
        | PTE   | 1028   | linear map ×1024, vmalloc and image, image ×2, bm_pte (empty)          |
      And the live table counts agree with the tables reachable from swapper_pg_dir

    Scenario: the tables of 16K/47, level by level
      Given a kernel booted with the configuration 16K/47
      Then the table pages at each level are:
        | level | tables | made of                                                                        |
        | PGD   | 1      | swapper_pg_dir                                                                 |
        | PMD   | 4      | linear map, vmalloc and image, bm_pmd (fixmap and vmemmap), vmemmap            |
        | PTE   | 68     | linear map ×64, vmalloc and image, image, bm_pte (fixmap and vmemmap), vmemmap |
      And the live table counts agree with the tables reachable from swapper_pg_dir

    Scenario: the tables of 64K/48, level by level
      Given a kernel booted with the configuration 64K/48
      Then the table pages at each level are:
        | level | tables | made of                                                       |
        | PGD   | 1      | swapper_pg_dir                                                |
        | PMD   | 3      | linear map, vmalloc and image, bm_pmd (fixmap and vmemmap)    |
        | PTE   | 6      | linear map ×4, vmalloc and image, bm_pte (fixmap and vmemmap) |
      And the live table counts agree with the tables reachable from swapper_pg_dir

    Scenario Outline: live tables per level on <config>
      Given a kernel booted with the configuration <config>
      Then the live tables per level are <live tables>
      And the live table counts agree with the tables reachable from swapper_pg_dir

      Examples: the configurations not drawn above (test/mappings/kernel.test.ts: all eight)
        | config | live tables                 | why                                      |
        | 16K/36 | 1 PGD, 68 PTE               | two levels: PTE tables only              |
        | 16K/48 | 1 PGD, 2 PUD, 4 PMD, 68 PTE | 2 PUD tables: the PGD has only 2 entries |
