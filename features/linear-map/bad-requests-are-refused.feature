@linear-map
Feature: A mapping request that is not page-aligned or leaves the TTBR1 half is refused
  __create_pgd_mapping takes a physical address, a kernel virtual address and a size; the kernel
  assumes them page-aligned and inside the kernel half of the address space (its callers guarantee
  it, and the page-table walk silently rounds otherwise). The model checks instead, and refuses a bad
  request with a typed error before it changes anything: a range error for sizes and alignment, an
  address error for an address whose top bits are not all ones. A kernel address has its top
  64 − VA_BITS bits set, so the lowest kernel address is 0xffff000000000000 with 48-bit VAs but
  0xffffff8000000000 with 39-bit VAs and 0xfff0000000000000 with 52-bit VAs.
  test/mappings/create-mapping.test.ts refuses unaligned addresses, sizes and physical addresses at
  random on all eight configurations.

  Rule: A request that is empty or not page-aligned is refused with RangeRuleError and nothing changes

    Scenario Outline: <case> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When <size> of physical memory at <pa> is mapped at the address <va> with flags none
      Then the request is refused with a RangeRuleError
      And the kernel state is unchanged

      Examples: 4K pages
        | case               | config | size | pa          | va                 | why                      |
        | an empty range     | 4K/48  | 0    | 0x100000000 | 0xffff0000c0000000 | nothing to map           |
        | a size of 6K       | 4K/48  | 6K   | 0x100000000 | 0xffff0000c0000000 | 6K is not whole 4K pages |
        | a PA inside a page | 4K/48  | 4K   | 0x100000800 | 0xffff0000c0000000 | the PA is 2K into a page |

      Examples: larger pages
        | case                 | config | size | pa          | va                 | why                               |
        | 16K-aligned, not 64K | 64K/48 | 64K  | 0x100000000 | 0xffff0000c0004000 | a 64K page needs a 64K-aligned VA |

  Rule: An address outside the TTBR1 half is refused with AddressError and nothing changes

    Scenario Outline: <va> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When 4K of physical memory at 0x100000000 is mapped at the address <va> with flags none
      Then the request is refused with an AddressError
      And the kernel state is unchanged

      Examples: below the lowest kernel address of the configuration
        | config | va                 | why                                                           |
        | 4K/48  | 0x0000aaaa00000000 | a user (TTBR0) address                                        |
        | 4K/39  | 0xffff000000000000 | kernel only with 48 bits; 39 bits start at 0xffffff8000000000 |
        | 64K/48 | 0xfff0000000000000 | PAGE_OFFSET of 64K/52, below 48-bit kernel space              |

  Rule: A mapping that would run past the top of the address space is refused with RangeRuleError and nothing changes

    Scenario: 4M from 2M below the top, on 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      When 4M of physical memory at 0x100000000 is mapped at the address 0xffffffffffe00000 with flags none
      Then the request is refused with a RangeRuleError
      And the kernel state is unchanged
