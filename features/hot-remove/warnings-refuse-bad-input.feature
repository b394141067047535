@hot-remove
Feature: The hot-remove path's WARN_ON conditions refuse bad input and change nothing
  The v5.7 hot-remove path trusts its callers and the tables it walks, and says so with WARN_ONs: on a page
  directory other than init_mm's, on a range outside the region the caller owns, on a reserved (boot)
  page about to be freed, on an entry that is neither none nor present, and on an entry above the PTE
  level that is present but neither a block nor a table. The kernel warns and carries on; the model
  checks every one of them with a read-only walk over every entry of the range, the first and the last
  included, at every level, before it changes anything, and refuses the whole request with a
  KernelWarning naming the rule and the values that broke it. So a refused request leaves the kernel
  exactly as it was.

  The words are the kernel's helpers of pgtable.h. An entry is none only when all 64 bits are zero
  (p*d_none): a descriptor whose low half is zero but whose high half is not is not none. An entry is
  present when it is valid or carries PROT_NONE, software bit 58, with the valid bit clear (pte_present;
  pmd_present and pud_present are built on it). A block has bits[1:0] = 01, a table 11 (p*d_sect,
  p*d_table): so a present entry that is neither is exactly one present through PROT_NONE alone.

  Two levels are walked without these checks. At the top of a four-level configuration the entries are
  P4D entries, and p4d_present is true for any non-zero value; at the top of 64K's three-level
  configurations pud_sect is always false and pud_table always true. There v5.7 walks into every
  non-none entry as a table, without a WARN. The model cannot follow a non-table into a page, so it
  refuses such an entry too, under a rule of its own that says so.

  Pass 2 has warnings of its own (an entry that is not present, not a table, or a block, and a PTE
  still set in its range). They cannot fire after a complete pass 1, which has cleared every leaf in
  the range; the model's up-front walk refuses the inputs that would make them fire.

  Bad entries are constructed on purpose by writing a descriptor through PageTables.writeEntry.

  Rule: __remove_pgd_mapping works on init_mm's page directory only

    Scenario Outline: another page directory on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      When the linear map of 2M of physical memory at 0x200000000 is torn down from a page directory other than swapper_pg_dir
      Then the request is refused with a KernelWarning
      And the rule it names is "__remove_pgd_mapping only tears down init_mm’s tables"
      And the refusal names "pgdir="
      And the kernel state is unchanged

      Examples:
        | config | why         |
        | 4K/48  | four levels |
        | 64K/42 | two levels  |

  Rule: __remove_pgd_mapping works inside [PAGE_OFFSET, PAGE_END)

  One page across each edge, on a few configurations; test/hotplug/remove.test.ts crosses both
  edges of both regions on all eight.

    Scenario Outline: one page below PAGE_OFFSET on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the linear map of <size> of physical memory at <phys> is torn down
      Then the request is refused with a KernelWarning
      And the rule it names is "__remove_pgd_mapping works inside [PAGE_OFFSET, PAGE_END)"
      And the refusal names "start=<start>"
      And the kernel state is unchanged

      Examples: the page below PHYS_OFFSET maps below PAGE_OFFSET
        | config | size | phys       | start              | why                                  |
        | 4K/48  | 4K   | 0x3ffff000 | 0xfffefffffffff000 | the thread's configuration           |
        | 64K/52 | 64K  | 0x3fff0000 | 0xffefffffffff0000 | 52 bits: the linear map starts lower |

    Scenario Outline: one page past PAGE_END on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the linear map of <size> of physical memory at <phys> is torn down
      Then the request is refused with a KernelWarning
      And the rule it names is "__remove_pgd_mapping works inside [PAGE_OFFSET, PAGE_END)"
      And the refusal names "end=<end>"
      And the kernel state is unchanged

      Examples: two pages from the last page in reach
        | config | size | phys            | end                | why                                     |
        | 16K/36 | 32K  | 0x83fffc000     | 0xfffffff800004000 | the smallest linear map: 32G            |
        | 64K/52 | 128K | 0x800003fff0000 | 0xfff8000000010000 | the PAGE_END of 52 bits, not of 48 bits |

  Rule: vmemmap_free works inside [VMEMMAP_START, VMEMMAP_END)

    Scenario Outline: 64K either side of <edge> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the vmemmap from <start> to <end> is freed
      Then the request is refused with a KernelWarning
      And the rule it names is "vmemmap_free works inside [VMEMMAP_START, VMEMMAP_END)"
      And the refusal names "start=<start>"
      And the kernel state is unchanged

      Examples: straddling VMEMMAP_START
        | config | edge          | start              | end                | why                           |
        | 4K/48  | VMEMMAP_START | 0xfffffdffffdf0000 | 0xfffffdffffe10000 | starts in vmalloc's PGD entry |
        | 16K/36 | VMEMMAP_START | 0xfffffffff7df0000 | 0xfffffffff7e10000 | the smallest vmemmap: 128M    |

      Examples: straddling VMEMMAP_END, 2M below the top on every configuration
        | config | edge        | start              | end                | why                                        |
        | 4K/48  | VMEMMAP_END | 0xffffffffffdf0000 | 0xffffffffffe10000 | the thread's configuration                 |
        | 64K/52 | VMEMMAP_END | 0xffffffffffdf0000 | 0xffffffffffe10000 | the largest vmemmap ends at the same place |

  Rule: A reserved (boot) page among the pages to free is refused, where v5.7 warns and frees it

  free_hotplug_page_range warns on a PageReserved page and hands it to free_pages all the same. For
  the pages a vmemmap maps the model refuses instead, as it does for every WARN here. Tables are
  another matter: the feature on boot-time tables shows a policy freeing a PageReserved table, WARN
  and all.

    Scenario Outline: freeing boot memory's struct pages on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the vmemmap of the section at 0x40000000 is freed with the policy v5.7
      Then the request is refused with a KernelWarning
      And the rule it names is "a reserved (boot) page must never be freed"
      And the refusal names "level=<leaf level>"
      And the kernel state is unchanged

      Examples: boot memory's vmemmap was allocated from memblock
        | config | leaf level | why                   |
        | 4K/48  | PMD        | 2M blocks of memblock |
        | 16K/47 | PTE        | 16K pages of memblock |
        | 64K/42 | PTE        | 64K pages of memblock |

  Rule: Pass 1 refuses an entry that is neither none nor present, wherever it lies in the range

    Scenario Outline: an invalid, non-zero <level> entry on <config>: <why>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the <level> entry for <address> holds the descriptor <descriptor> (a constructed state)
      When the linear map of 2M of physical memory at 0x200000000 is torn down
      Then the request is refused with a KernelWarning
      And the rule it names is "an entry on the hot-remove path is neither none nor present"
      And the refusal names "level=<level>"
      And the refusal names "va=<address>"
      And the kernel state is unchanged

      Examples: only the access flag set, the valid bit clear
        | config | level | address            | descriptor         | why                              |
        | 4K/48  | PTE   | 0xffff0001c0000000 | 0x0000000000000400 | the first PTE of the range       |
        | 64K/48 | PTE   | 0xffff0001c01f0000 | 0x0000000000000400 | the last of 32 PTEs              |
        | 4K/48  | PMD   | 0xffff0001c0000000 | 0x0000000000000400 | the PMD entry over the PTE table |

      Examples: the low half zero, the high half not: not none (p*d_none reads 64 bits)
        | config | level | address            | descriptor         | why                                |
        | 16K/36 | PGD   | 0xfffffff1c0000000 | 0x0020000000000000 | PXN alone at the top of two levels |

  Rule: An entry present only through PROT_NONE is a PTE like any other: cleared, and its table freed

    Scenario Outline: a PROT_NONE PTE on <config>: <why>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the PTE entry for <address> holds the descriptor <descriptor> (a constructed state)
      When the linear map of 2M of physical memory at 0x200000000 is torn down
      Then the address <address> is not mapped
      And the PTE table at <address> is freed

      Examples:
        | config | address            | descriptor         | why                                   |
        | 4K/48  | 0xffff0001c0001000 | 0x0400000000000400 | PROT_NONE and the access flag         |
        | 4K/48  | 0xffff0001c01ff000 | 0x0400000000000000 | PROT_NONE alone: the low half is zero |
        | 64K/48 | 0xffff0001c0010000 | 0x0400000000000f00 | PROT_NONE with AF, shareability, nG   |

  Rule: Above the PTE level, an entry present only through PROT_NONE is neither a block nor a table

    Scenario Outline: a PROT_NONE <level> entry on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the <level> entry for <address> holds the descriptor 0x0400000000000400 (a constructed state)
      When the linear map of 2M of physical memory at 0x200000000 is torn down
      Then the request is refused with a KernelWarning
      And the rule it names is "an entry on the hot-remove path is neither a block nor a table"
      And the refusal names "level=<level>"
      And the kernel state is unchanged

      Examples: the PMD and PUD helpers, at whatever level they read
        | config | level | address            | why                                              |
        | 4K/48  | PMD   | 0xffff0001c0000000 | pmd_present, then neither pmd_sect nor pmd_table |
        | 4K/48  | PUD   | 0xffff0001c0000000 | pud_present, then neither pud_sect nor pud_table |
        | 16K/36 | PGD   | 0xfffffff1c0000000 | two levels: the top entries are PMD entries      |
        | 4K/39  | PGD   | 0xffffff81c0000000 | three levels: the top entries are PUD entries    |

  Rule: Where v5.7 walks into an entry blind, the model refuses one that is not a table

    Scenario Outline: a PROT_NONE PGD entry on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the PGD entry for <address> holds the descriptor 0x0400000000000400 (a constructed state)
      When the linear map of 2M of physical memory at 0x200000000 is torn down
      Then the request is refused with a KernelWarning
      And the rule it names is "v5.7 walks into this entry as a table without a WARN, and it is not one"
      And the kernel state is unchanged

      Examples:
        | config | address            | why                             |
        | 4K/48  | 0xffff0001c0000000 | p4d_present: any non-zero value |
        | 64K/48 | 0xffff0001c0000000 | 64K: pud_table is always true   |

  Rule: The all-none scan reads all 64 bits: an entry with only its high half set keeps its table

    Scenario: a PTE outside the removed range holds a high half alone, on 4K/48
      Given a kernel booted with the configuration 4K/48 with rodata_full off
      And 1M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the PTE entry for 0xffff0001c01ff000 holds the descriptor 0x0008000000000000 (a constructed state)
      When the linear map of 1M of physical memory at 0x200000000 is torn down
      Then the address 0xffff0001c0000000 is not mapped
      And the PTE table at 0xffff0001c0000000 is kept: entries left (1 live)

  Rule: A present entry with block type bits is a block to the kernel, even where the granule allows none

  pud_sect() reads bits[1:0] only: a valid descriptor with bit 1 clear is a block to the kernel even
  at the PUD level of 16K, where the hardware allows none. The model decodes it the same way and
  clears the entry whole, as a block.

    Scenario: a PUD entry with block type bits on 16K/48 is cleared as a block
      Given a kernel booted with the configuration 16K/48 with rodata_full off
      And 2M of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      And the PUD entry for 0xffff0001c0000000 holds the descriptor 0x0000000000000401 (a constructed state)
      When the linear map of 2M of physical memory at 0x200000000 is torn down
      Then the address 0xffff0001c0000000 is not mapped
