@concurrency
Feature: The freeing policies of the thread side by side: which of them race
  The race column of the policy comparison (hot-remove/policies-side-by-side.feature counts the
  tables each policy frees and leaves behind). Each policy's hot-remove is explored against three
  actors, every interleaving, in the constructed state of 4K/48 and 16K/48 — the configurations where
  vmalloc shares a table with vmemmap, stripped of the boot structures that would pin it:
  - vmalloc mapping a page at the top of the vmalloc space, through the shared table;
  - ptdump walking the removed struct pages while holding mem_hotplug_lock for reading;
  - a CPU touching the removed struct pages with its walk cache already holding the path.

  A policy races if any of the three finds a violation. `empty-only` frees the shared table under
  vmalloc's walk. So does `x86`, which frees it even before clearing the PGD entry that points at it;
  it also leaves a cached walk pointing at a freed table until its final flush. ptdump with
  the lock races with none of them. `v7` does not race because it frees no vmemmap table here — the
  price shown in v7-never-frees-vmemmap-tables.feature; `range`, `v5.7` and `never` because they never
  free a table vmalloc shares, and invalidate before they free.

  Rule: Of the six policies, only those without floor and ceiling that free vmemmap tables race

    Scenario Outline: <policy> on <config>
      Given the constructed state on <config>
      When hot-remove under the policy <policy> races vmalloc, ptdump holding mem_hotplug_lock and a CPU, in every interleaving
      Then racing vmalloc finds <vmalloc>, ptdump <ptdump>, the CPU <cpu>
      And a race is found: <race>

      Examples: 4K/48 — the PUD table of PGD entry 507 is shared
        | config | policy     | vmalloc            | ptdump       | cpu          | race | why                              |
        | 4K/48  | v5.7       | no violation       | no violation | no violation | no   | the floor keeps the shared table |
        | 4K/48  | range      | no violation       | no violation | no violation | no   | the floor keeps the shared table |
        | 4K/48  | empty-only | a freed-while-held | no violation | no violation | yes  | emptiness alone frees it         |
        | 4K/48  | v7         | no violation       | no violation | no violation | no   | no vmemmap table is freed        |
        | 4K/48  | x86        | a freed-while-held | no violation | a stale-walk | yes  | freed first, flushed at the end  |
        | 4K/48  | never      | no violation       | no violation | no violation | no   | no table is freed                |

      Examples: 16K/48 — the PUD table of PGD entry 1 is shared
        | config | policy     | vmalloc            | ptdump       | cpu          | race | why                              |
        | 16K/48 | v5.7       | no violation       | no violation | no violation | no   | the floor keeps the shared table |
        | 16K/48 | range      | no violation       | no violation | no violation | no   | the floor keeps the shared table |
        | 16K/48 | empty-only | a freed-while-held | no violation | no violation | yes  | emptiness alone frees it         |
        | 16K/48 | v7         | no violation       | no violation | no violation | no   | no vmemmap table is freed        |
        | 16K/48 | x86        | a freed-while-held | no violation | a stale-walk | yes  | freed first, flushed at the end  |
        | 16K/48 | never      | no violation       | no violation | no violation | no   | no table is freed                |
