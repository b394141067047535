@hot-remove
Feature: Clear, then invalidate, then free — for leaves and for tables
  The CPU caches translations (the TLB) and the table pointers it followed to reach them (the walk
  cache). A page or table page may be reused only once no CPU can reach it through either, so the
  order is always the same: clear the entry that points to it, invalidate what the CPUs cached for
  that address, and only then give the page back. Pass 1 (unmap_hotplug_range) does it for every
  leaf: clear, a last-level TLB invalidation of that one address (a block takes one, whatever its
  size), then — in vmemmap only — free the page or block it mapped. Pass 2 (free_empty_tables) does it
  for every table page it frees: clear the parent entry, invalidate the walk cache for the address
  (__flush_tlb_kernel_pgtable), then free the page. Mark Rutland insisted on that order in review;
  x86 of the time freed its table pages first and flushed the whole TLB once at the end, which arm64's
  walk caches would not survive (see policies-side-by-side.feature for the stale pointers it leaves).

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

  Rule: The x86 order frees the table page first and flushes everything once, at the end

    Scenario: 64K/48 vmemmap under the policy x86
      Given a kernel booted with the configuration 64K/48 with rodata_full off
      And the section at 0x200000000 is hot-added
      When the vmemmap of the section at 0x200000000 is freed with the policy x86
      Then pass 2 begins with these events:
        | op    | level | address            | note       |
        | free  | PTE   |                    | table page |
        | clear | PMD   | 0xffffffe000500000 |            |
      And its last events are:
        | op             | level | address | note |
        | invalidate-all |       |         |      |
      And every table it freed was freed before its parent entry was cleared, with no walk invalidation until one invalidate-all at the end
