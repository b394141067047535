@vmemmap
Feature: vmemmap is populated only inside [VMEMMAP_START, VMEMMAP_END)
  vmemmap_populate trusts its caller to pass a range of struct pages; a range that strays below
  VMEMMAP_START would write into PCI I/O space and the fixmap, one past VMEMMAP_END into the 2M guard
  at the top of the address space. The hot-remove side (vmemmap_free) warns on the same bounds, and
  its floor and ceiling for freeing tables are exactly these two addresses, so the model enforces them
  on both sides: population outside the region is refused with a RangeRuleError before anything
  changes. The ranges below are 64K either side of a boundary, page-aligned for every granule.
  test/mappings/vmemmap.test.ts refuses ranges across both edges on all eight configurations, and
  the first section past the linear map's reach on all but 64K/52, whose vmemmap has room for it.

  Rule: A range that starts below VMEMMAP_START or ends past VMEMMAP_END is refused with RangeRuleError and nothing changes

    Scenario Outline: [<start>, <end>) on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the vmemmap from <start> to <end> is populated
      Then the request is refused with a RangeRuleError
      And the kernel state is unchanged

      Examples: straddling VMEMMAP_START
        | config | start              | end                | why                        |
        | 4K/48  | 0xfffffdffffdf0000 | 0xfffffdffffe10000 | the thread's configuration |
        | 16K/36 | 0xfffffffff7df0000 | 0xfffffffff7e10000 | the smallest vmemmap: 128M |

      Examples: straddling VMEMMAP_END (0xffffffffffe00000 on every configuration)
        | config | start              | end                | why                          |
        | 64K/52 | 0xffffffffffdf0000 | 0xffffffffffe10000 | into the 2M guard at the top |

    Scenario Outline: a section whose struct pages would start at VMEMMAP_END on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the vmemmap of the section at physical <pa> is populated
      Then the request is refused with a RangeRuleError
      And the kernel state is unchanged

      Examples: the first section past what the linear map (and so vmemmap) can describe
        | config | pa          | why                                    |
        | 16K/36 | 0x840000000 | 32G of linear map above PHYS_OFFSET 1G |
