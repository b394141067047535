@concurrency
Feature: The freeing policies of the thread side by side: which of them race
  The race column of the policy comparison (hot-remove/policies-side-by-side.feature counts the
  tables each policy frees and leaves behind). Each policy's hot-remove is explored against three
  actors, every interleaving, in the constructed state of 4K/48 and 16K/48 — the configurations where
  vmalloc shares a table with vmemmap, stripped of the boot structures that would pin it:
  - vmalloc mapping a page at the top of the vmalloc space, through the shared table;
  - the debugfs ptdump walking the removed struct pages, holding mem_hotplug_lock for reading as in v5.7;
  - a CPU touching the removed struct pages with its walk cache already holding the path.

  A policy races if any of the three finds a violation. `empty-only` frees the shared table under
  vmalloc's walk. `x86` does not: the shared table is a PUD table on both configurations, and 4-level
  x86 never freed PUD tables. It races the CPU instead: it frees the struct pages before clearing the
  entry that maps them and flushes the TLB only later, so the CPU reads them through its TLB after
  they were freed. ptdump with the lock races with none of them. `v7` does not race because it frees
  no vmemmap table here — the price shown in v7-never-frees-vmemmap-tables.feature; `range`, `v5.7`
  and `never` because they never free a table vmalloc shares, and invalidate before they free.
  test/concurrency/exploration-figures.test.ts explores all six policies on both configurations.

  Rule: Of the six policies, only those without floor and ceiling that free vmemmap tables race

    Scenario Outline: <policy> on <config>
      Given the constructed state on <config>
      When hot-remove under the policy <policy> races vmalloc, ptdump holding mem_hotplug_lock and a CPU, in every interleaving
      Then racing vmalloc finds <vmalloc>, ptdump <ptdump>, the CPU <cpu>
      And a race is found: <race>

      Examples: one reason each
        | config | policy     | vmalloc            | ptdump       | cpu              | race | why                                          |
        | 4K/48  | v5.7       | no violation       | no violation | no violation     | no   | the floor keeps the shared table             |
        | 4K/48  | empty-only | a freed-while-held | no violation | no violation     | yes  | emptiness alone frees it                     |
        | 16K/48 | v7         | no violation       | no violation | no violation     | no   | no vmemmap table is freed                    |
        | 16K/48 | x86        | no violation       | no violation | a use-after-free | yes  | no PUD table freed; pages freed while mapped |
