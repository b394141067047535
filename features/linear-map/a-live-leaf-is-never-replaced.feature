@linear-map
Feature: A live leaf is never replaced by a different one
  Arm requires break-before-make: a valid entry may not be rewritten to point elsewhere, or to change
  its type, while other CPUs can use it. __create_pgd_mapping therefore BUG()s when asked to change a
  live entry beyond its permission bits (pgattr_change_is_safe), or when it finds a block where it
  needs a table. The model refuses such a request with a MappingConflictError before it writes
  anything, so the tables, the allocator and the live counts are exactly as they were — which is also
  what lets hot-add map memory again over a range whose old tables hot-remove kept.
  test/mappings/create-mapping-live.test.ts tries overlapping requests at random on every configuration.

  Rule: A request that would replace a live leaf, or descend through a live block, is refused with MappingConflictError and nothing changes

    Scenario Outline: <case> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And <size> of physical memory at <pa> is mapped into the linear map with flags <first>
      When <size> of physical memory at <other> is mapped at the address <va> with flags <second>
      Then the request is refused with a MappingConflictError
      And the kernel state is unchanged

      Examples: a block in the way
        | case                                  | config | size | pa          | va                 | first | other       | second            | why                                      |
        | another physical block at the same VA | 4K/48  | 2M   | 0x100200000 | 0xffff0000c0200000 | none  | 0x200200000 | none              | the output address would change          |
        | pages where a block is live           | 4K/48  | 2M   | 0x100200000 | 0xffff0000c0200000 | none  | 0x100200000 | NO_BLOCK_MAPPINGS | a PTE table is needed under a live block |

      Examples: a table or a page in the way
        | case                                 | config | size | pa          | va                 | first             | other       | second | why                                |
        | a block where a PTE table is live    | 4K/48  | 2M   | 0x100200000 | 0xffff0000c0200000 | NO_BLOCK_MAPPINGS | 0x100200000 | none   | a table entry would become a block |
        | another physical page at the same VA | 16K/47 | 2M   | 0x100200000 | 0xffff8000c0200000 | none              | 0x300200000 | none   | the output address would change    |

  Rule: Mapping a range again exactly as it is mapped changes nothing

    Scenario Outline: the same <size> at <pa> mapped twice on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      When <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      Then the tables allocated are none
      And the kernel state is unchanged

      Examples: blocks and pages
        | config | size | pa          | flags                                 | why                              |
        | 4K/48  | 2M   | 0x100200000 | none                                  | the same block is written again  |
        | 4K/48  | 2M   | 0x100200000 | NO_BLOCK_MAPPINGS \| NO_CONT_MAPPINGS | the existing PTE table is reused |

  Rule: A live contiguous run is never rewritten, not even identically

  pgattr_change_is_safe refuses any live change to an entry with the contiguous bit, old or new: the
  hardware may hold one TLB entry for the whole run, so the kernel never touches a live run in place.

    Scenario Outline: the same CONT run at <pa> mapped twice on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      When <size> of physical memory at <pa> is mapped into the linear map with flags <flags>
      Then the request is refused with a MappingConflictError
      And the kernel state is unchanged

      Examples: contiguous PTE runs
        | config | size | pa          | flags             | why                                    |
        | 4K/48  | 2M   | 0x100200000 | NO_BLOCK_MAPPINGS | 32 runs of 16 CONT PTEs                |
        | 64K/52 | 2M   | 0x100200000 | none              | one run of 32 CONT PTEs (2M, no block) |
