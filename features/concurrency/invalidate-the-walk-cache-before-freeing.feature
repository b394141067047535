@concurrency
Feature: A table page is freed only after its cached walks are invalidated, or a CPU walks through a freed page
  The CPU's walk cache keeps the table pointers of recent walks, so a later walk can start part-way
  down. Clearing a parent entry does not remove the pointer from the cache; only
  __flush_tlb_kernel_pgtable() (TLBI VAAE1IS) does. Mark Rutland's rule for arm64 hot-remove: clear
  the parent entry, invalidate the cached walks for the address, and only then free the table page.
  x86 of that era (remove_pagetable) did otherwise: it freed each page before clearing the entry
  that maps it — the struct pages a leaf maps and the table page a parent entry points at alike —
  and flushed the whole TLB after each PTE table's leaves and once at the end. A whole flush drops
  cached walks too, so what a CPU meets under that order is not a stale walk: it is the freed page
  itself, still reached through a stale TLB entry or a parent entry not yet cleared.

  Hot-remove frees the struct pages of the first section above boot memory whose vmemmap leaves
  fill a table of their own (real boot state), and with them that table. The CPU has walked to
  those struct pages before, so its walk cache holds the path; it touches them once more at some
  point of the hot-remove — one hardware walk, one atomic step.

  Rule: Freeing a table before its cached walks are invalidated is found as a stale walk

  v5.7 with one step left out: the parent entry is cleared and the table page freed, with no
  __flush_tlb_kernel_pgtable in between. The leaf itself was cleared and invalidated first, so the
  CPU misses in the TLB and starts its walk from the pointer its walk cache still holds.

    Scenario: v5.7 without the walk-cache invalidation on 4K/48: clear, then free
      Given the real boot state on 4K/48
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy v5.7 without walk-cache invalidation
      Then the explorer finds a stale-walk after 14 steps
      And the counterexample reads:
        | #  | step                                                        |
        | 1  | hot-remove takes mem_hotplug_lock                           |
        | 2  | hot-remove reads PGD[508] for 0xfffffe0040e00000            |
        | 3  | hot-remove reads PUD[1] for 0xfffffe0040e00000              |
        | 4  | hot-remove reads PMD[7] for 0xfffffe0040e00000              |
        | 5  | hot-remove clears PMD[7] (0xfffffe0040e00000)               |
        | 6  | hot-remove invalidates the TLB entry for 0xfffffe0040e00000 |
        | 7  | hot-remove frees the block at …                             |
        | 8  | hot-remove reads PGD[508]                                   |
        | 9  | hot-remove reads PUD[1]                                     |
        | 10 | hot-remove reads PMD[7]                                     |
        | 11 | hot-remove scans every entry of the PMD table at …          |
        | 12 | hot-remove clears PUD[1]                                    |
        | 13 | hot-remove frees the PMD table at …                         |
        | 14 | cpu accesses 0xfffffe0040e00000 (hardware walk)             |
      And what went wrong reads "stale-walk: cpu walked 0xfffffe0040e00000 through a cached pointer to the freed table page at …"

    Scenario Outline: <policy> on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy <policy>
      Then the explorer finds <outcome>

      Examples: clear, then free: no TLBI in between
        | config | policy                               | outcome      | why                                  |
        | 16K/48 | v5.7 without walk-cache invalidation | a stale-walk | a freed PTE table under a cached PMD |

      Examples: clear, invalidate, free
        | config | policy | outcome      | why                        |
        | 4K/48  | v5.7   | no violation | the cached pointer is gone |
        | 16K/48 | v5.7   | no violation | the cached pointer is gone |

  Rule: Under x86's order the CPU reads a page freed while still mapped, before any flush

  remove_pmd_table frees a 2M block of struct pages and then clears the PMD entry, with no TLB
  invalidation; the CPU's TLB still holds the block, so its next access reads the freed pages. On
  16K/48 remove_pte_table does the same with each page, and the flush after the PTE table's leaves
  comes too late for an access in between.

    Scenario: x86 on 4K/48: the block is freed before anything is cleared or flushed
      Given the real boot state on 4K/48
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy x86
      Then the explorer finds a use-after-free after 6 steps
      And the counterexample reads:
        | # | step                                             |
        | 1 | hot-remove takes mem_hotplug_lock                |
        | 2 | hot-remove reads PGD[508] for 0xfffffe0040e00000 |
        | 3 | hot-remove reads PUD[1] for 0xfffffe0040e00000   |
        | 4 | hot-remove reads PMD[7] for 0xfffffe0040e00000   |
        | 5 | hot-remove frees the block at …                  |
        | 6 | cpu accesses 0xfffffe0040e00000 (hardware walk)  |
      And what went wrong reads "use-after-free: cpu read 0xfffffe0040e00000 through a stale TLB entry: the page at … was freed"

    Scenario Outline: x86 on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy x86
      Then the explorer finds <outcome> after <steps> steps

      Examples: a page of struct pages instead of a block
        | config | outcome          | steps | why                                         |
        | 16K/48 | a use-after-free | 7     | the page is freed before its PTE is cleared |
