@hot-remove
Feature: In v6.1 and v6.12 hot-remove works by 128M memory blocks, and with five levels frees P4D tables
  The design merged in v5.7 is unchanged in the later kernels: arch_remove_memory still tears the
  struct pages down with vmemmap_free and the linear map with __remove_pgd_mapping, each with the
  enclosing region as floor and ceiling. Two things moved. Sections shrank from 1G to 128M in v5.12,
  so memory is hot-added and hot-removed by 128M blocks (virtio-mem in a real guest does exactly
  that). And v6.9 brought 52-bit VA to 4K pages: on a CPU with LPA2 the kernel walks five levels and
  free_empty_p4d_table may free a P4D table; on a CPU without it the same kernel folds that level
  at run time, and free_empty_p4d_table returns before its own decision.

  Rule: A section is 1G in v5.7 and 128M from v5.12 on

    Scenario Outline: 128M at 0x208000000 on 4K/48 of <era>
      Given a kernel booted with the configuration 4K/48 of Linux <era>
      When 128M of memory at 0x208000000 is hot-added
      Then <outcome>

      Examples: One era before the change, one after
        | era  | outcome                                       | why                         |
        | v5.7 | the request is refused with a HotplugError    | not a whole 1G section      |
        | v6.1 | the page tables are not as before the hot-add | one whole 128M memory block |

  Rule: With five levels the linear map of a far memory block frees its P4D table; folded, a PUD table is the highest

  The memory block is placed under a top-level entry of its own, so every table below that entry
  maps only the removed block and the whole branch goes, the top one included.

    Scenario Outline: A far memory block on 4K/52 of v6.12 <cpu>
      Given a kernel booted with the configuration 4K/52 of Linux v6.12 <cpu> with rodata_full off
      When 128M of memory at <start> is hot-added
      And 128M of memory at <start> is hot-removed
      Then the <level> table at <table> is freed
      And the page tables are exactly as before the hot-add

      Examples: LPA2 or not
        | cpu          | start           | level | table              | why                                        |
        | with LPA2    | 0x1000040000000 | P4D   | 0xfff1000000000000 | PGD entry 1 of 16: free_empty_p4d_table    |
        | without LPA2 | 0x400040000000  | PUD   | 0xffff400000000000 | P4D folded: PGD entry 128 of 512, as 4K/48 |
