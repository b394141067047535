@hot-add
Feature: Only memory that was hot-added can be hot-removed, and only whole sections of it
  Boot memory holds the kernel image, the static page tables and everything allocated from memblock
  while booting; none of it can ever be given back. v5.7 lets the generic code call
  arch_remove_memory only for memory that was added later, and the hot-remove series itself (from
  its V12, merged with V14) registers a memory notifier that refuses to take a boot section offline
  (MEM_GOING_OFFLINE), so it can never reach hot-remove. v5.11 only registered that notifier earlier in
  boot and had it also check MEM_OFFLINE. The model refuses such a request with a HotplugError
  before anything changes, as it refuses removing memory that is not there, adding memory over
  present memory, and adding memory the linear map cannot reach (the later arch_get_mappable_range).

  Rule: Removing a section of boot memory is refused and changes nothing

    Scenario Outline: removing the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-removed
      Then the request is refused with a HotplugError
      And the rule it names is "boot memory can never be removed"
      And the refusal names "<named>"
      And the kernel state is unchanged

      Examples:
        | boot                        | section    | named                  | why                                 |
        | 4K/48 with rodata_full off  | 0x40000000 | section=0x000040000000 | the first section of boot memory    |
        | 16K/47 with rodata_full off | 0x80000000 | section=0x000080000000 | the second, holding no kernel image |
        | 64K/52 with rodata_full off | 0x40000000 | section=0x000040000000 | the first section of boot memory    |

  Rule: Only present memory can be removed, in whole sections

    Scenario Outline: removing <what> on 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      When the section at <section> is hot-removed
      Then the request is refused with a HotplugError
      And the rule it names is "<rule>"
      And the kernel state is unchanged

      Examples:
        | what                  | section     | rule                                |
        | a section never added | 0x200000000 | only present memory can be removed  |
        | half a section        | 0x220000000 | memory is removed in whole sections |

  Rule: Hot-adding over present memory is refused and changes nothing

    Scenario Outline: adding the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added
      Then the request is refused with a HotplugError
      And the rule it names is "hot-added memory must not overlap present memory"
      And the kernel state is unchanged

      Examples:
        | boot                        | section    | why                         |
        | 4K/48 with rodata_full off  | 0x40000000 | boot memory's first section |
        | 64K/42 with rodata_full off | 0x80000000 | boot memory's last section  |

  Rule: Hot-adding memory beyond the linear map's reach is refused and changes nothing

    Scenario Outline: adding the section at <section> on <boot>
      Given a kernel booted with the configuration <boot>
      When the section at <section> is hot-added
      Then the request is refused with a HotplugError
      And the rule it names is "hot-added memory must lie inside the linear map’s reach (arch_get_mappable_range)"
      And the kernel state is unchanged

      Examples: the first section past PHYS_OFFSET + (PAGE_END − PAGE_OFFSET)
        | boot                        | section         | why                    |
        | 4K/39 with rodata_full off  | 0x4040000000    | 256G above PHYS_OFFSET |
        | 16K/36 with rodata_full off | 0x840000000     | 32G above PHYS_OFFSET  |
        | 64K/52 with rodata_full off | 0x8000040000000 | 2P above PHYS_OFFSET   |
