@concurrency
Feature: Freeing a table because its entries are none races with vmalloc on the shared table
  The review thread's central objection to patch V7: deciding to free a kernel page-table page by
  looking at its entries, and at nothing else, races with vmalloc(). vmalloc walks init_mm's tables
  without any lock hot-remove holds; it takes init_mm.page_table_lock only to install a missing
  table. On 4K/48 and 16K/48 the PUD table under one PGD entry maps both the end of vmalloc and the
  start of vmemmap. vmemmap_free() can find every entry of that table none, clear the PGD entry,
  invalidate and free the page — while vmalloc, between reading the PGD entry and installing a PMD
  table into the PUD table, holds a pointer to it. The `empty-only` policy is that design: the all-none
  scan with no floor and no ceiling.

  The explorer runs hot-remove and vmalloc as step-wise programs over the model and tries every
  interleaving, up to the reordering of independent steps (sleep sets). Hot-remove is vmemmap_free of
  one leaf of struct pages (a 2M block on 4K, a 16K page on 16K), the last one left at VMEMMAP_START;
  vmalloc maps one page at the top of the vmalloc space. The explorer stops at the first violation
  and reports a shortest schedule that shows it. The detector that fires first is "freed while held":
  hot-remove frees a table page while the other actor's next step uses a pointer into it — the
  moment after which vmalloc would write into, or read, a freed page.

  Rule: Without floor and ceiling, hot-remove frees the shared table while vmalloc holds a pointer into it

  This is a constructed state: a bare kernel whose first DRAM section, at PHYS_OFFSET, is hot-added
  and then removed down to its first leaf, so that nothing but that leaf keeps the shared PUD table
  alive. No boot structure pins it (see the next rule for the real boot state).

  Why 20 steps on 4K/48: hot-remove must run its whole program up to the free of the PUD table —
  take the lock (1); pass 1 reads PGD, PUD and PMD entries, clears the block, invalidates its TLB
  entry and frees its 2M (6); pass 2 reads the same three entries, scans the PMD table, clears the
  PUD entry, invalidates the walk and frees the PMD table (7); it scans the PUD table, clears the
  PGD entry, invalidates and frees the PUD table (4): 18 steps. vmalloc needs two to hold the
  pointer: it allocates its page first, then reads PGD[507]. Nothing shorter can show the race, and
  the explorer's schedule has exactly those 20. On 16K/48 struct pages are mapped by PTEs, one level
  more: pass 1 takes 7 steps, pass 2 frees a PTE table, a PMD table and the PUD table (7 + 4 + 4),
  so 1 + 7 + 15 = 23 for hot-remove and 25 in all. In both traces vmalloc reads the PGD entry after
  the scan found the PUD table empty — had it installed its PMD table before the scan, the table
  would have been kept.

    Scenario: 4K/48, constructed state: the shared PUD table of PGD entry 507
      Given the constructed state on 4K/48
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy empty-only
      Then the explorer finds a freed-while-held after 20 steps
      And hot-remove took 18 of those steps and vmalloc 2
      And the counterexample reads:
        | #  | step                                                        |
        | 1  | hot-remove takes mem_hotplug_lock                           |
        | 2  | hot-remove reads PGD[507] for 0xfffffdffffe00000            |
        | 3  | hot-remove reads PUD[511] for 0xfffffdffffe00000            |
        | 4  | hot-remove reads PMD[511] for 0xfffffdffffe00000            |
        | 5  | hot-remove clears PMD[511] (0xfffffdffffe00000)             |
        | 6  | hot-remove invalidates the TLB entry for 0xfffffdffffe00000 |
        | 7  | hot-remove frees the block at …                             |
        | 8  | hot-remove reads PGD[507]                                   |
        | 9  | hot-remove reads PUD[511]                                   |
        | 10 | hot-remove reads PMD[511]                                   |
        | 11 | hot-remove scans every entry of the PMD table at …          |
        | 12 | hot-remove clears PUD[511]                                  |
        | 13 | hot-remove invalidates cached walks for 0xfffffdffffe00000  |
        | 14 | hot-remove frees the PMD table at …                         |
        | 15 | hot-remove scans every entry of the PUD table at …          |
        | 16 | vmalloc allocates a page for 0xfffffdffbffee000             |
        | 17 | vmalloc reads PGD[507] of table …                           |
        | 18 | hot-remove clears PGD[507]                                  |
        | 19 | hot-remove invalidates cached walks for 0xfffffdffffe00000  |
        | 20 | hot-remove frees the PUD table at …                         |
      And what went wrong reads "freed-while-held: hot-remove frees the table page at … while vmalloc holds a pointer into it"

    Scenario: 16K/48, constructed state: the shared PUD table of PGD entry 1
      Given the constructed state on 16K/48
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy empty-only
      Then the explorer finds a freed-while-held after 25 steps
      And hot-remove took 23 of those steps and vmalloc 2
      And the counterexample reads:
        | #  | step                                                        |
        | 1  | hot-remove takes mem_hotplug_lock                           |
        | 2  | hot-remove reads PGD[1] for 0xffffff7fffe00000              |
        | 3  | hot-remove reads PUD[2039] for 0xffffff7fffe00000           |
        | 4  | hot-remove reads PMD[2047] for 0xffffff7fffe00000           |
        | 5  | hot-remove reads PTE[1920] for 0xffffff7fffe00000           |
        | 6  | hot-remove clears PTE[1920] (0xffffff7fffe00000)            |
        | 7  | hot-remove invalidates the TLB entry for 0xffffff7fffe00000 |
        | 8  | hot-remove frees the page at …                              |
        | 9  | hot-remove reads PGD[1]                                     |
        | 10 | hot-remove reads PUD[2039]                                  |
        | 11 | hot-remove reads PMD[2047]                                  |
        | 12 | hot-remove scans every entry of the PTE table at …          |
        | 13 | hot-remove clears PMD[2047]                                 |
        | 14 | hot-remove invalidates cached walks for 0xffffff7fffe00000  |
        | 15 | hot-remove frees the PTE table at …                         |
        | 16 | hot-remove scans every entry of the PMD table at …          |
        | 17 | hot-remove clears PUD[2039]                                 |
        | 18 | hot-remove invalidates cached walks for 0xffffff7fffe00000  |
        | 19 | hot-remove frees the PMD table at …                         |
        | 20 | hot-remove scans every entry of the PUD table at …          |
        | 21 | vmalloc allocates a page for 0xffffff6ffffe8000             |
        | 22 | vmalloc reads PGD[1] of table …                             |
        | 23 | hot-remove clears PGD[1]                                    |
        | 24 | hot-remove invalidates cached walks for 0xffffff7fffe00000  |
        | 25 | hot-remove frees the PUD table at …                         |
      And what went wrong reads "freed-while-held: hot-remove frees the table page at … while vmalloc holds a pointer into it"

  Rule: In the real boot state the shared table is pinned, so the same exploration finds nothing

  In the state the kernel really boots into, the shared table never empties. On 4K/48 it is the
  kernel image's bm_pud, whose last entry holds bm_pmd with the fixmap and the first 2M of struct
  pages — those of the first 128M above PHYS_OFFSET, which is always boot memory. Every hot-added
  section's struct pages lie under PGD entry 508 or later, so hot-remove never even visits the shared
  table. On 16K/48 the shared table spans the whole upper half: it holds the kernel image and the
  vmalloc areas, bm_pmd with the fixmap, and boot memory's struct pages, so `empty-only` visits it
  and keeps it for its live entries. The real-state race below removes the first leaf of struct
  pages above boot memory that lives in a table of its own. The design must not rest on these
  pins, which is why the rule above strips them away. The live entries that pin the shared table
  on each configuration are listed in tables-shared-with-vmalloc-are-never-freed.feature.

    Scenario Outline: empty-only from the real boot state on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy empty-only
      Then the explorer finds no violation
      When the same struct pages are freed alone under the policy empty-only
      Then the shared table is <what happens to it>

      Examples: the two configurations that share a table
        | config | what happens to it          | why                                   |
        | 4K/48  | never visited               | removable struct pages start at 508   |
        | 16K/48 | kept: entries left (3 live) | vmalloc, fixmap and boot struct pages |
