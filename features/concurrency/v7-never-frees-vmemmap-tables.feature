@concurrency
Feature: V7 avoids the race by never freeing vmemmap tables where vmalloc shares a PGD entry
  Patch V7 of the arm64 hot-remove series kept deciding by emptiness alone, but checked at boot
  whether VMALLOC_END and VMEMMAP_START fall in the same PGD entry; if they do (4K/48 and 16K/48),
  vmemmap_free() frees no page-table page at all. The linear map's tables are still freed. The
  review thread did not argue about the flag or its cost: it traced the race to the emptiness test
  (!p*d_none) and replaced that test with floor and ceiling, after which the overlap check could be
  dropped altogether. What the flag costs is this manual's interpretation, not the thread's words:
  the tables that mapped the struct pages of every removed section stay behind, mapping nothing,
  and nothing but a later hot-add in the same place ever uses them again. The second Rule measures
  it. The `v7` policy models the flag.

  Rule: With V7's flag, no interleaving of hot-remove and vmalloc fails on the shared table

  The same constructed state and the same two actors that find the race under `empty-only`
  (emptiness-alone-races-vmalloc.feature). Hot-remove still clears and frees the struct pages' leaf,
  but pass 2 frees nothing, so the explorer has only the orders of a few dependent steps to try.

    Scenario Outline: v7 on <config>, constructed state
      Given the constructed state on <config>
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy v7
      Then the explorer finds no violation

      Examples: the two configurations that share a table
        | config | why                            |
        | 4K/48  | the PUD table of PGD entry 507 |
        | 16K/48 | the PUD table of PGD entry 1   |

  Rule: The price is every vmemmap table of the removed section, left behind mapping nothing

  One section is hot-added in the middle of the linear map's reach, where its struct pages fill
  tables of their own, and removed again. Its struct pages start 2M short of a 512G boundary on
  4K/48 (of a 64G one on 16K/48), so they hang off two tables at each level below the PGD: under
  v7 all four stay behind. The linear map's tables are freed under both policies.

    Scenario Outline: <policy> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x400040000000 is hot-added
      And the section at 0x400040000000 is hot-removed with the policy <policy>
      Then the tables left behind are <linear> in the linear map and <vmemmap> in vmemmap

      Examples: the two configurations that share a table
        | config | policy | linear | vmemmap      | why                                |
        | 4K/48  | v7     | none   | 2 PUD, 2 PMD | no vmemmap table is freed          |
        | 4K/48  | v5.7   | none   | none         | floor and ceiling = VMEMMAP region |
        | 16K/48 | v7     | none   | 2 PMD, 2 PTE | no vmemmap table is freed          |
        | 16K/48 | v5.7   | none   | none         | floor and ceiling = VMEMMAP region |
