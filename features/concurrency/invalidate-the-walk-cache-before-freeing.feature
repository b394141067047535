@concurrency
Feature: A table page is freed only after its cached walks are invalidated, or a CPU walks through a freed page
  The CPU's walk cache keeps the table pointers of recent walks, so a later walk can start part-way
  down. Clearing a parent entry does not remove the pointer from the cache; only
  __flush_tlb_kernel_pgtable() (TLBI VAAE1IS) does. Mark Rutland's rule for arm64 hot-remove: clear
  the parent entry, invalidate the cached walks for the address, and only then free the table page.
  x86 of that era freed the page first and flushed everything once at the end, which is unsafe
  where walk caches hold pointers: between the free and the flush a walk can go through the freed
  page.

  Hot-remove frees the struct pages of the first section above boot memory whose vmemmap leaves
  fill a table of their own (real boot state), and with them that table. The CPU has walked to
  those struct pages before, so its walk cache holds the path; it touches them once more at some
  point of the removal — one hardware walk, one atomic step.

  Rule: Freeing a table before its cached walks are invalidated is found as a stale walk

    Scenario: x86's order on 4K/48: free first, flush everything at the end
      Given the real boot state on 4K/48
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy x86
      Then the explorer finds a stale-walk after 13 steps
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
        | 12 | hot-remove frees the PMD table at …                         |
        | 13 | cpu accesses 0xfffffe0040e00000 (hardware walk)             |
      And what went wrong reads "stale-walk: cpu walked 0xfffffe0040e00000 through a cached pointer to the freed table page at …"

    Scenario Outline: <policy> on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and a CPU whose walk cache holds the path is explored under the policy <policy>
      Then the explorer finds <outcome>

      Examples: two ways to free before invalidating
        | config | policy                               | outcome      | why                                  |
        | 16K/48 | x86                                  | a stale-walk | free first, flush at the end         |
        | 4K/48  | v5.7 without walk-cache invalidation | a stale-walk | clear, then free: no TLBI in between |
        | 16K/48 | v5.7 without walk-cache invalidation | a stale-walk | clear, then free: no TLBI in between |

      Examples: clear, invalidate, free
        | config | policy | outcome      | why                        |
        | 4K/48  | v5.7   | no violation | the cached pointer is gone |
        | 16K/48 | v5.7   | no violation | the cached pointer is gone |
