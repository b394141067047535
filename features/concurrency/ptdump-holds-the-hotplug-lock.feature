@concurrency
Feature: ptdump must hold mem_hotplug_lock, or it reads a table hot-remove has freed
  Two walkers in v5.7 read every level of init_mm's tables with no page-table lock: the debugfs dump
  (ptdump_show, /sys/kernel/debug/kernel_page_tables) and the W+X check (ptdump_check_wx, which
  CONFIG_DEBUG_WX runs from mark_rodata_ro). A table pointer either has just read can be cleared and
  its page freed by hot-remove before it reads the table. The arm64 hot-remove series made the debugfs
  dump take mem_hotplug_lock for reading (get_online_mems) — hot-remove holds it for writing — but not
  the W+X check. In v5.7 that check runs once, late in boot, so the window was narrow; from v6.9 the
  generic check_wx_pages debugfs file runs it on demand, and only a 2025 change (59305202c67f) moved the
  lock into the generic walker for both, describing the race in four steps: the walker takes a table
  pointer, the freer clears the entry it came from, the freer frees the table, the walker reads the
  freed table.

  Here the policy is v5.7's own: the race is not about which tables are freed but about walking them
  while they are. Hot-remove frees the struct pages of the first section above boot memory whose
  vmemmap leaves fill a table of their own (real boot state), and with it that table; each walker
  reads the same struct pages. Only the use-after-free detector and its kin are on: the counterexample
  ends when the walker reads the freed page.

  Rule: The W+X check, walking without the lock, reads a table after hot-remove has freed it

  The trace below is a shortest one: hot-remove must reach the free of the PMD table (14 of its
  steps, the last being the free), and the W+X check must read the PGD and PUD entries before hot-remove
  clears the PUD entry, then read the PMD table after it is freed (3 steps).

    Scenario: 4K/48, real boot state: the whole trace and its four essential steps
      Given the real boot state on 4K/48
      When every interleaving of hot-remove and ptdump_check_wx without mem_hotplug_lock is explored under the policy v5.7
      Then the explorer finds a use-after-free after 17 steps
      And hot-remove took 14 of those steps and ptdump_check_wx 3
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
        | 12 | ptdump_check_wx reads PGD[508] of table …                   |
        | 13 | ptdump_check_wx reads PUD[1] of table …                     |
        | 14 | hot-remove clears PUD[1]                                    |
        | 15 | hot-remove invalidates cached walks for 0xfffffe0040e00000  |
        | 16 | hot-remove frees the PMD table at …                         |
        | 17 | ptdump_check_wx reads PMD[7] of table …                     |
      And what went wrong reads "use-after-free: ptdump_check_wx read page … through a stale pointer after it was freed"
      And its four essential steps are:
        | #  | step                                    |
        | 13 | ptdump_check_wx reads PUD[1] of table … |
        | 14 | hot-remove clears PUD[1]                |
        | 16 | hot-remove frees the PMD table at …     |
        | 17 | ptdump_check_wx reads PMD[7] of table … |

    Scenario Outline: the same race on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and ptdump_check_wx without mem_hotplug_lock is explored under the policy v5.7
      Then the explorer finds a use-after-free after <steps> steps
      And hot-remove took <hot-remove> of those steps and ptdump_check_wx <walker>

      Examples: a freed PTE table on 16K/48, a freed PMD table under a PGD entry on 4K/39
        | config | steps | hot-remove | walker | why                                    |
        | 16K/48 | 19    | 15         | 4      | four levels, struct pages in PTE pages |
        | 4K/39  | 14    | 12         | 2      | three levels: PGD entry, then PMD      |

  Rule: The debugfs dump, holding mem_hotplug_lock for reading, never overlaps hot-remove

  Hot-remove takes the lock for writing before its first step and releases it after its last, so
  the dump runs wholly before or wholly after it: two schedules, and no order of independent steps
  left to try.

    Scenario Outline: the debugfs dump holding the lock on <config>
      Given the real boot state on <config>
      When every interleaving of hot-remove and ptdump holding mem_hotplug_lock is explored under the policy v5.7
      Then no interleaving violates a rule; schedules run to the end: 2, cut short by sleep sets: 0

      Examples: the configurations above
        | config | why                          |
        | 4K/48  | the trace above, with a lock |
        | 16K/48 | a freed PTE table            |
        | 4K/39  | three levels                 |
