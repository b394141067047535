@index
Feature: The claims of the review thread, and the features that check them
  In September 2019, reviewing version 7 of "arm64/mm: Enable memory hot remove", Catalin Marinas and
  Anshuman Khandual settled how hot-remove may free kernel page-table pages without racing vmalloc.
  Each rule below restates one of their claims in our words; its scenario names the features and
  the rules in them that check the claim on the model, and fails when a feature or rule it names is
  gone or renamed — so this index cannot drift from the manual it indexes.

  Read a claim here, then open the feature it names below: every feature begins with a few lines
  on the kernel function it documents, and every scenario that changes page tables shows what it
  freed and kept, with the reason.

  Rule: Deciding to free a table because its other entries are none is what races with vmalloc

  vmalloc walks the kernel's tables from the PGD without a lock that hot-remove holds; it takes
  init_mm.page_table_lock only to install a missing table. Where vmalloc and vmemmap share a table
  page, a hot-remove that frees it on seeing every entry none can free it under vmalloc's feet.

    Scenario: where the manual finds the race, and shows the sharing and the lockless walk behind it
      Then the claim is checked by these rules of the manual:
        | feature                                                       | rule                                                                                                        |
        | concurrency/emptiness-alone-races-vmalloc.feature             | Without floor and ceiling, hot-remove frees the shared table while vmalloc holds a pointer into it          |
        | concurrency/emptiness-alone-races-vmalloc.feature             | In the real boot state the shared table is pinned, so the same exploration finds nothing                    |
        | concurrency/policies-and-races.feature                        | Of the six policies, only those without floor and ceiling that free vmemmap tables race                     |
        | layout/vmalloc-shares-a-table-with-vmemmap.feature            | With four levels both hang off one PGD entry and share the PUD table under it, but never one PUD entry      |
        | vmalloc/vmalloc-allocates-tables-on-demand.feature            | vmalloc walks without init_mm.page_table_lock and installs each table under it, after re-checking the entry |
        | hot-remove/policies-side-by-side.feature                      | The policies differ in the tables they free, the tables they leave behind, and the stale walks they allow   |
        | hot-remove/tables-shared-with-vmalloc-are-never-freed.feature | Only 4K/48 and 16K/48 have a table page below the PGD that maps both vmalloc and vmemmap                    |

  Rule: Switching table freeing off for vmemmap, as V7 did, avoids the race at the price of every vmemmap table

  V7 checked at boot whether vmalloc and vmemmap share a PGD entry and, if they do, let
  vmemmap_free free no table page at all. The thread did not weigh that flag's cost: it traced the
  race to the emptiness test and said the overlap check could go altogether once floor and ceiling
  decide. That the price is every vmemmap table is this manual's interpretation, measured below.

    Scenario: where the manual explores V7 and counts what it leaves behind
      Then the claim is checked by these rules of the manual:
        | feature                                           | rule                                                                                 |
        | concurrency/v7-never-frees-vmemmap-tables.feature | With V7's flag, no interleaving of hot-remove and vmalloc fails on the shared table  |
        | concurrency/v7-never-frees-vmemmap-tables.feature | The price is every vmemmap table of the removed section, left behind mapping nothing |

  Rule: A table may be freed only when the whole span it maps lies within floor and ceiling; empty entries alone never qualify it

  This is close to free_pgd_range()'s rule for user page tables, applied to the kernel's: the test
  looks at addresses only, so it cannot depend on what vmalloc does to the other entries at that
  moment. The all-none scan still runs, but only on tables that pass it; where else the two differ
  (no trimming at the top, one table at a time) is set out in clear-invalidate-free-order.feature.

    Scenario: where the manual checks the span test and its consequence for the shared table
      Then the claim is checked by these rules of the manual:
        | feature                                                       | rule                                                                                                                             |
        | hot-remove/freed-only-within-floor-and-ceiling.feature        | pgtable_range_aligned accepts a table only if its span, rounded out by the mask, lies in [floor, ceiling)                        |
        | hot-remove/freed-only-within-floor-and-ceiling.feature        | A table inside floor and ceiling is freed only if every entry is none, and one outside is kept before its entries are read       |
        | hot-remove/tables-shared-with-vmalloc-are-never-freed.feature | Stripped of everything it held, the shared table is still kept — the floor, not its entries, decides                             |
        | concurrency/injected-bugs-are-found.feature                   | Every injected bug but one produces a violation, and v5.7 in the same interleavings none                                         |
        | concurrency/injected-bugs-are-found.feature                   | On 16K/48 the shared table needs both checks gone before vmalloc can race                                                        |
        | concurrency/injected-bugs-are-found.feature                   | Comparing end > ceiling instead of end − 1 > ceiling − 1 cannot be told apart from v5.7 in any state the model reaches           |
        | hot-remove/clear-invalidate-free-order.feature                | Unlike free_pgd_range, pass 2 trims nothing at the top: it visits every table under the range and tests each one, PTE tables too |

  Rule: With floor and ceiling = the removed range, at most six tables stay behind

  One table per freeable level at each end of the range: two ends times the PTE, PMD and PUD
  tables. The thread accepted that cost — such tables are reused when something is mapped there
  again — before it found a better floor and ceiling.

    Scenario: where the manual reaches the bound and measures real sections
      Then the claim is checked by these rules of the manual:
        | feature                                                   | rule                                                                                                           |
        | hot-remove/range-floor-ceiling-leaves-at-most-six.feature | A two-page range across a top-level boundary leaves one table per level behind at each end, reaching the bound |
        | hot-remove/range-floor-ceiling-leaves-at-most-six.feature | Removing a real section with floor and ceiling = the section leaves fewer, mostly in vmemmap                   |
        | hot-remove/range-floor-ceiling-leaves-at-most-six.feature | Whatever the range, no teardown leaves more than 2 × (levels − 1) tables behind                                |
        | hot-remove/range-floor-ceiling-leaves-at-most-six.feature | Tables left behind are reused: adding the memory again allocates no new table in their place                   |
        | concurrency/floor-and-ceiling-leave-no-race.feature       | floor and ceiling = the removed range is race-free too, and pays in tables left behind                         |

  Rule: With floor and ceiling = the enclosing region, nothing is left behind at the edges of the removed range

  Anshuman proposed, and Catalin agreed, to pass [VMEMMAP_START, VMEMMAP_END) to vmemmap_free and
  [PAGE_OFFSET, PAGE_END) to __remove_pgd_mapping as floor and ceiling, with start and end still
  the range actually unmapped. A table that reaches outside its region — the one vmalloc shares —
  is never eligible.

    Scenario: where the manual restores the tables and keeps the shared one
      Then the claim is checked by these rules of the manual:
        | feature                                                       | rule                                                                                                                          |
        | hot-remove/enclosing-region-restores-the-tables.feature       | Hot-add then hot-remove of memory restores the page tables exactly                                                            |
        | hot-remove/enclosing-region-restores-the-tables.feature       | Tables first needed by memory at the top of the linear map's reach span past VMEMMAP_END and are never freed                  |
        | hot-remove/tables-shared-with-vmalloc-are-never-freed.feature | The shared table survives hot-add and hot-remove, kept as outside floor/ceiling                                               |
        | layout/vmalloc-shares-a-table-with-vmemmap.feature            | The shared table maps addresses below VMEMMAP_START, so a floor of VMEMMAP_START keeps it                                     |
        | hot-remove/an-unusual-range.feature                           | Removing the section that opens a PGD entry frees its own tables only when floor and ceiling are the region                   |
        | concurrency/floor-and-ceiling-leave-no-race.feature           | Under v5.7 no interleaving violates a rule, with or without a shared table, real or constructed                               |
        | hot-remove/later-eras-free-by-memory-block-and-p4d.feature    | With five levels the linear map of a far memory block frees its P4D table; folded, a PUD table is the highest                 |
        | layout/vmalloc-and-vmemmap-share-again-from-v6-9.feature      | Stripped of everything they held, the shared tables are still kept — the floor decides                                        |
        | real-kernels/the-design-on-real-kernels.feature               | With the enclosing region as floor and ceiling, unplugging everything frees every table that mapped only the unplugged memory |
        | real-kernels/the-design-on-real-kernels.feature               | Unplugging part of the memory frees the tables that mapped only that part, and keeps every table that still maps something    |

  Rule: One free_empty_tables serves both callers; only floor and ceiling differ

  Catalin preferred a single version of the function to one restricted version for the case where
  vmalloc and vmemmap overlap: passing each caller its own floor and ceiling costs nothing.

    Scenario: where the manual runs both callers through the same function
      Then the claim is checked by these rules of the manual:
        | feature                                             | rule                                                                                             |
        | hot-remove/one-function-serves-both-callers.feature | vmemmap_free unmaps the section's struct pages with floor VMEMMAP_START and ceiling VMEMMAP_END  |
        | hot-remove/one-function-serves-both-callers.feature | __remove_pgd_mapping unmaps the section's linear map with floor PAGE_OFFSET and ceiling PAGE_END |
        | hot-remove/one-function-serves-both-callers.feature | Apart from floor and ceiling, the callers differ only in whether what the leaves mapped is freed |
        | hot-remove/one-function-serves-both-callers.feature | Under the policy range the same function gets each caller's own range as floor and ceiling       |
        | hot-remove/one-function-serves-both-callers.feature | The same table under the same floor and ceiling gets the same decision, whichever caller asks    |

  Rule: Only vmemmap can share a table with vmalloc; the linear map never does

  Anshuman judged the chance of the linear map overlapping vmalloc negligible, as it covers half the
  kernel VA space. That it is zero is the manual's own derivation, not the thread's: PAGE_END is a
  PGD entry boundary on every configuration and vmalloc lies above it, so no table page below the
  PGD maps both.

    Scenario: where the manual lays out the regions and finds the one shared entry
      Then the claim is checked by these rules of the manual:
        | feature                                                       | rule                                                                                                      |
        | layout/kernel-va-layout.feature                               | The linear map is the lower half of the kernel VA space                                                   |
        | layout/vmalloc-shares-a-table-with-vmemmap.feature            | Where the PUD is folded, vmalloc ends in the PGD entry just before vmemmap's, and no table page is shared |
        | hot-remove/tables-shared-with-vmalloc-are-never-freed.feature | The linear map never shares a table with vmalloc: PAGE_END is a PGD entry boundary                        |

  Rule: A table page is freed only after its parent entry is cleared and the walk cache invalidated

  Not argued in this mail but part of the same series, on Mark Rutland's advice: arm64's walk
  caches may hold a pointer to a table, so the page can be reused only once no CPU can reach it.
  x86 then freed each page before clearing its entry and flushed the whole TLB after each PTE table's
  leaves and at the end, leaving freed pages reachable until the next flush.

    Scenario: where the manual traces the order for leaves and for tables
      Then the claim is checked by these rules of the manual:
        | feature                                                      | rule                                                                                                            |
        | hot-remove/clear-invalidate-free-order.feature               | Pass 1 clears each leaf, invalidates its address, then frees what it mapped                                     |
        | hot-remove/clear-invalidate-free-order.feature               | Pass 2 clears the parent entry, invalidates the walk cache, then frees the table page                           |
        | hot-remove/clear-invalidate-free-order.feature               | The x86 order frees each page before clearing its entry and flushes the whole TLB after each PTE table's leaves |
        | concurrency/invalidate-the-walk-cache-before-freeing.feature | Freeing a table before its cached walks are invalidated is found as a stale walk                                |
        | concurrency/invalidate-the-walk-cache-before-freeing.feature | Under x86's order the CPU reads a page freed while still mapped, before any flush                               |

  Rule: ptdump, which walks every level of the kernel's tables, holds mem_hotplug_lock while it does

  Also outside this mail: vmalloc is not the only walker without page_table_lock. ptdump reads
  every table of the kernel. In v5.7 its debugfs dump takes mem_hotplug_lock for reading, so that it
  never walks while hot-remove, holding the lock for writing, frees tables; its W+X check does not,
  and took the lock only in 2025.

    Scenario: where the manual explores the two ptdump walkers, with and without the lock
      Then the claim is checked by these rules of the manual:
        | feature                                           | rule                                                                                 |
        | concurrency/ptdump-holds-the-hotplug-lock.feature | The W+X check, walking without the lock, reads a table after hot-remove has freed it |
        | concurrency/ptdump-holds-the-hotplug-lock.feature | The debugfs dump, holding mem_hotplug_lock for reading, never overlaps hot-remove    |

  Rule: Every feature of the manual checks a claim above or documents what the claims rest on

  The claims rest on facts of the kernel that have folders of their own: the geometry of the
  translation tables, the kernel's VA layout, how mappings are built and walked, the boot state,
  hot-add, and the WARN_ON conditions of the hot-remove path.

    Scenario: no feature is left out of this index
      Then every feature of the manual is cited in "0-index.feature" or belongs to one of these parts:
        | part                                         | what it documents                                                 |
        | geometry                                     | levels, shifts and folding of every configuration                 |
        | layout                                       | the kernel's VA regions and the table vmalloc shares with vmemmap |
        | translation                                  | a walk from the PGD to the leaf, and where it faults              |
        | linear-map                                   | how __create_pgd_mapping chooses leaves and refuses conflicts     |
        | vmemmap                                      | where a page's struct page lives and how it is mapped and cleared |
        | vmalloc                                      | tables allocated on demand, and never freed by vfree              |
        | boot                                         | the tables of the booted kernel, static and reserved              |
        | hot-add                                      | what hot-add maps, what it refuses, and how a failure rolls back  |
        | hot-remove/warnings-refuse-bad-input.feature | the WARN_ON conditions of the hot-remove path, as refused input   |
