@concurrency
Feature: ptdump must hold mem_hotplug_lock, or it reads a table hot-remove has freed
  ptdump (/sys/kernel/debug/kernel_page_tables) walks every level of init_mm's tables reading
  entries, and takes no page-table lock to do it. A table pointer it has just read can be cleared and
  its page freed by hot-remove before it reads the table. The arm64 hot-remove series therefore made
  ptdump take mem_hotplug_lock for reading (get_online_mems) — hot-remove holds it for writing — and
  a 2025 change moved the same lock into the generic ptdump code, describing the race in four steps:
  the walker takes a table pointer, the freer clears the entry it came from, the freer frees the
  table, the walker reads the freed table.

  Here the policy is v5.7's own: the race is not about which tables are freed but about walking them
  while they are. Hot-remove frees the struct pages of the first section above boot memory whose
  vmemmap leaves fill a table of their own (real boot state), and with it that table; ptdump walks
  the same struct pages. Only the use-after-free detector and its kin are on: the counterexample
  ends when ptdump reads the freed page.

  Rule: Without the lock, ptdump reads a table after hot-remove has freed it

  The trace below is a shortest one: hot-remove must reach the free of the PMD table (14 of its
  steps, the last being the free), and ptdump must read the PGD and PUD entries before hot-remove
  clears the PUD entry, then read the PMD table after it is freed (3 steps).

    Scenario: 4K/48, real boot state: the whole trace and its four essential steps
      Given the real boot state on 4K/48
      When every interleaving of hot-remove and ptdump without mem_hotplug_lock is explored under the policy v5.7
      Then the explorer finds a use-after-free after 17 steps
      And hot-remove took 14 of those steps and ptdump 3
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
        | 12 | ptdump reads PGD[508] of table …                            |
        | 13 | ptdump reads PUD[1] of table …                              |
        | 14 | hot-remove clears PUD[1]                                    |
        | 15 | hot-remove invalidates cached walks for 0xfffffe0040e00000  |
        | 16 | hot-remove frees the PMD table at …                         |
        | 17 | ptdump reads PMD[7] of table …                              |
      And what went wrong reads "use-after-free: ptdump read page … through a stale pointer after it was freed"
      And its four essential steps are:
        | #  | step                                |
        | 13 | ptdump reads PUD[1] of table …      |
        | 14 | hot-remove clears PUD[1]            |
        | 16 | hot-remove frees the PMD table at … |
        | 17 | ptdump reads PMD[7] of table …      |

    Scenario Outline: the same race on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and ptdump without mem_hotplug_lock is explored under the policy v5.7
      Then the explorer finds a use-after-free after <steps> steps
      And hot-remove took <hot-remove> of those steps and ptdump <ptdump>

      Examples: a freed PTE table on 16K/48, a freed PMD table under a PGD entry on 4K/39
        | config | steps | hot-remove | ptdump | why                                    |
        | 16K/48 | 19    | 15         | 4      | four levels, struct pages in PTE pages |
        | 4K/39  | 14    | 12         | 2      | three levels: PGD entry, then PMD      |

  Rule: Holding mem_hotplug_lock for reading, ptdump never overlaps hot-remove

  Hot-remove takes the lock for writing before its first step and releases it after its last, so
  ptdump runs wholly before or wholly after it: two schedules, and no order of independent steps
  left to try.

    Scenario Outline: ptdump holding the lock on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and ptdump holding mem_hotplug_lock is explored under the policy v5.7
      Then no interleaving violates a rule; schedules run to the end: 2, cut short by sleep sets: 0

      Examples: the configurations above
        | config | why                          |
        | 4K/48  | the trace above, with a lock |
        | 16K/48 | a freed PTE table            |
        | 4K/39  | three levels                 |
