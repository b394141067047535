@hot-remove
Feature: Clear, then invalidate, then free — for leaves and for tables
  The CPU caches translations (the TLB) and the table pointers it followed to reach them (the walk
  cache). A page or table page may be reused only once no CPU can reach it through either, so the
  order is always the same: clear the entry that points to it, invalidate what the CPUs cached for
  that address, and only then give the page back. Pass 1 (unmap_hotplug_range) does it for every
  leaf: clear, a last-level TLB invalidation of that one address (a block takes one, whatever its
  size), then — in vmemmap only — free the page or block it mapped. Pass 2 (free_empty_tables) does it
  for every table page it frees: clear the parent entry, invalidate the walk cache for the address
  (__flush_tlb_kernel_pgtable), then free the page. Mark Rutland insisted on that order in review.
  x86 of the time (remove_pagetable) ran one pass and freed first: a page of struct pages before its
  PTE was cleared, a table page before its parent entry was cleared, right after the table's own
  entries; it flushed the whole TLB after each PTE table's leaves and once at the end, so a freed page
  stays reachable through the TLB or the walk cache until the next whole flush — a window arm64's
  walk caches would not survive (invalidate-the-walk-cache-before-freeing.feature shows a CPU in it).

  The traces below are the model's event log, one row per operation, in order.

  Rule: Pass 1 clears each leaf, invalidates its address, then frees what it mapped

    Scenario: 4K/48 vmemmap: each 2M block is cleared whole and takes one TLB invalidation
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy v5.7
      Then its first events are:
        | op             | level | address            | note         |
        | clear          | PMD   | 0xfffffe0006e00000 |              |
        | invalidate-tlb |       | 0xfffffe0006e00000 |              |
        | free           |       | 0xfffffe0006e00000 | mapped pages |
        | clear          | PMD   | 0xfffffe0007000000 |              |
        | invalidate-tlb |       | 0xfffffe0007000000 |              |
        | free           |       | 0xfffffe0007000000 | mapped pages |
      And every leaf it cleared was invalidated at its address next, then what it mapped was freed

    Scenario: 64K/48 vmemmap: each page of struct pages likewise
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy v5.7
      Then its first events are:
        | op             | level | address            | note         |
        | clear          | PTE   | 0xffffffe000500000 |              |
        | invalidate-tlb |       | 0xffffffe000500000 |              |
        | free           |       | 0xffffffe000500000 | mapped pages |
        | clear          | PTE   | 0xffffffe000510000 |              |
      And every leaf it cleared was invalidated at its address next, then what it mapped was freed

    Scenario: 64K/48 linear map: each page is cleared and invalidated, and the memory is not freed
      Given a kernel booted with the configuration 64K/48 and 256M of boot memory
      And the section at 0x200000000 is hot-added
      When the linear map of 1G of physical memory at 0x200000000 is torn down with the policy v5.7
      Then its first events are:
        | op             | level | address            | note |
        | clear          | PTE   | 0xffff0001c0000000 |      |
        | invalidate-tlb |       | 0xffff0001c0000000 |      |
        | clear          | PTE   | 0xffff0001c0010000 |      |
        | invalidate-tlb |       | 0xffff0001c0010000 |      |
      And every leaf it cleared was invalidated at its address next, and nothing it mapped was freed

  Rule: Pass 2 clears the parent entry, invalidates the walk cache, then frees the table page

    Scenario: 64K/48 vmemmap: the PTE table of the section's struct pages
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy v5.7
      Then pass 2 begins with these events:
        | op              | level | address            | note       |
        | clear           | PMD   | 0xffffffe000500000 |            |
        | invalidate-walk |       | 0xffffffe000500000 |            |
        | free            | PTE   |                    | table page |
      And every table it freed was freed only after its parent entry was cleared and the walk cache invalidated

    Scenario: 64K/48 linear map: the two PTE tables of a page-mapped section
      Given a kernel booted with the configuration 64K/48 and 256M of boot memory
      And the section at 0x200000000 is hot-added
      When the linear map of 1G of physical memory at 0x200000000 is torn down with the policy v5.7
      Then pass 2 begins with these events:
        | op              | level | address            | note       |
        | clear           | PMD   | 0xffff0001c0000000 |            |
        | invalidate-walk |       | 0xffff0001c0000000 |            |
        | free            | PTE   |                    | table page |
        | clear           | PMD   | 0xffff0001e0000000 |            |
        | invalidate-walk |       | 0xffff0001e0000000 |            |
        | free            | PTE   |                    | table page |
      And every table it freed was freed only after its parent entry was cleared and the walk cache invalidated

  Rule: The x86 order frees each page before clearing its entry and flushes the whole TLB after each PTE table's leaves

    Scenario: 64K/48 vmemmap under the policy x86
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy x86
      Then its first events are:
        | op    | level | address            | note         |
        | free  |       | 0xffffffe000500000 | mapped pages |
        | clear | PTE   | 0xffffffe000500000 |              |
        | free  |       | 0xffffffe000510000 | mapped pages |
        | clear | PTE   | 0xffffffe000510000 |              |
      And its last events are:
        | op             | level | address            | note         |
        | free           |       | 0xffffffe0005f0000 | mapped pages |
        | clear          | PTE   | 0xffffffe0005f0000 |              |
        | invalidate-all |       |                    |              |
        | free           | PTE   |                    | table page   |
        | clear          | PMD   | 0xffffffe000500000 |              |
        | invalidate-all |       |                    |              |
      And every table it freed was freed before its parent entry was cleared, and the next invalidation after it flushed the whole TLB

  Rule: Unlike free_pgd_range, pass 2 trims nothing at the top: it visits every table under the range and tests each one, PTE tables too

  The thread calls the design "close to" free_pgd_range(), which frees a process's page tables after
  munmap. Three things differ, and this Rule checks the first:
  - free_pgd_range rounds the range to PMD_SIZE and trims it against floor and ceiling once, at the
    top; every PTE table it then meets is freed without a test, and only the tables above are tested
    on the way back up. free_empty_tables trims nothing: it visits every table under [start, end) and
    asks pgtable_range_aligned about each, at every level.
  - free_pgd_range never reads a table's entries: the VMAs are gone, so the range is empty by
    construction. free_empty_tables also scans all the entries of an eligible table and keeps it if
    one is live, because kernel tables are shared (freed-only-within-floor-and-ceiling.feature checks it).
  - free_pgd_range clears each parent entry and hands the page to the mmu_gather, which frees the
    batch after one TLB flush; free_empty_tables clears, invalidates the walk cache and frees, one
    table at a time (the pass 2 Rule above).

  With floor and ceiling = the removed range, the struct pages of one 64K/48 section (1M at
  0xffffffe000500000) lie inside a PTE table that maps 512M from 0xffffffe000000000, below the floor.
  free_pgd_range would round the start up past the end and visit nothing; pass 2 visits that table,
  tests it and keeps it.

    Scenario: 64K/48 vmemmap under the policy range
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy range
      Then the PTE table at 0xffffffe000000000 is kept: outside floor/ceiling (below-floor)
      And 0 tables were freed
