@concurrency
Feature: With floor and ceiling, no interleaving of hot-remove with vmalloc, ptdump or a CPU goes wrong
  What v5.7 merged: free_empty_tables() frees a table page only if pgtable_range_aligned() finds its
  whole span inside [floor, ceiling) — [VMEMMAP_START, VMEMMAP_END) for vmemmap_free() — and every
  entry is none; it clears the parent entry, invalidates the walk cache for the address, and only
  then frees the page. The shared table of 4K/48 and 16K/48 starts inside vmalloc, below the floor,
  so it is never eligible: nothing vmalloc does can be undone by hot-remove. ptdump holds
  mem_hotplug_lock for reading, so it never walks while hot-remove holds it for writing. A CPU's
  cached walk is invalidated before the table it names is freed.

  The explorer tries every interleaving of hot-remove with each of those actors, up to swapping
  independent steps, and runs each to its end. The actors are those of
  emptiness-alone-races-vmalloc.feature: hot-remove frees one leaf of struct pages (in the real boot
  state, the first one above boot memory in a table of its own; in the constructed state, the one at
  VMEMMAP_START); vmalloc maps one page at the top of the vmalloc space; ptdump walks the removed
  struct pages; the CPU touches them with its walk cache already holding the path there. With the
  lock, ptdump and hot-remove cannot overlap at all: one goes first.

  The rows pick one configuration, state and actor for each reason;
  test/concurrency/exploration-figures.test.ts explores every combination under v5.7 and range.

  Rule: Under v5.7 no interleaving violates a rule, with or without a shared table, real or constructed

    Scenario Outline: v5.7 on <config>, <state>, against <actor>
      Given the <state> on <config>
      When every interleaving of hot-remove and <actor> is explored under the policy v5.7
      Then the explorer finds no violation

      Examples: a shared table or none, each state, each actor
        | config | state             | actor                                   | why                                          |
        | 4K/48  | real boot state   | vmalloc at the top of the vmalloc space | struct pages under PGD entry 508             |
        | 16K/48 | real boot state   | vmalloc at the top of the vmalloc space | the floor keeps the shared table             |
        | 4K/48  | constructed state | ptdump holding mem_hotplug_lock         | the lock orders them                         |
        | 4K/39  | constructed state | a CPU whose walk cache holds the path   | no table is shared; invalidated before freed |

  Rule: floor and ceiling = the removed range is race-free too, and pays in tables left behind

  The thread's first proposal: floor and ceiling are the removed range itself. Every table it frees
  lies inside what is being removed, so it is never shared; the cost is the tables at the two edges
  of the range, which stay behind (range-floor-ceiling-leaves-at-most-six.feature bounds them, and
  shows the same section on 4K/48).

    Scenario Outline: range on <config>, <state>, against <actor>
      Given the <state> on <config>
      When every interleaving of hot-remove and <actor> is explored under the policy range
      Then the explorer finds no violation

      Examples: the two configurations that share a table
        | config | state             | actor                                   | why                                 |
        | 4K/48  | constructed state | vmalloc at the top of the vmalloc space | the shared table is below the floor |
        | 16K/48 | constructed state | a CPU whose walk cache holds the path   | invalidated before freed            |

    Scenario Outline: what range leaves behind on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at 0x400040000000 is hot-added
      And the section at 0x400040000000 is hot-removed with the policy range
      Then the tables left behind are <linear> in the linear map and <vmemmap> in vmemmap

      Examples: the section of v7-never-frees-vmemmap-tables.feature
        | config | linear | vmemmap      | why                                       |
        | 16K/48 | 1 PMD  | 2 PMD, 2 PTE | every table reaches beyond the 1G removed |
