@layout
Feature: The kernel virtual address layout of Linux v5.7 on arm64
  Kernel addresses live in the TTBR1 half of the address space, where the top 64 − VA_BITS bits are
  all ones. Linux v5.7 carves that half into fixed regions, bottom to top: the linear map of all
  memory, the generic KASAN shadow when configured, the BPF JIT region, modules, vmalloc, the
  fixmap, PCI I/O and vmemmap (the array of struct pages). Every boundary is a formula of VA_BITS,
  the granule and KASAN in arch/arm64/include/asm/memory.h and pgtable.h.

  Hot-remove depends on these boundaries: the linear map is torn down within
  [PAGE_OFFSET, PAGE_END) and vmemmap within [VMEMMAP_START, VMEMMAP_END), and those two ranges are
  the floor and ceiling that decide which table pages may be freed. VMEMMAP_END itself arrived with
  the hot-remove patch. The examples below are computed from the formulas, a few configurations per
  rule (test/arch/layout.test.ts checks every configuration, with and without KASAN); the last rule
  checks the model against the tables the kernel's own documentation draws.

  Rule: The linear map is the lower half of the kernel VA space

    Scenario Outline: PAGE_OFFSET and PAGE_END
      Given the configuration <config>
      Then PAGE_OFFSET is <PAGE_OFFSET>
      And PAGE_END is <PAGE_END>

      Examples: The thread's configuration and the two extremes of VA_BITS
        | config | PAGE_OFFSET        | PAGE_END           | why                             |
        | 4K/48  | 0xffff000000000000 | 0xffff800000000000 | the thread's configuration      |
        | 16K/36 | 0xfffffff000000000 | 0xfffffff800000000 | the smallest: 32G of linear map |
        | 64K/52 | 0xfff0000000000000 | 0xfff8000000000000 | hardware with 52-bit VA support |

  Rule: Generic KASAN puts a shadow of one eighth of the VA space right below the BPF JIT region

    Scenario Outline: The KASAN shadow
      Given the configuration <config>
      And generic KASAN is on
      Then the KASAN shadow spans <shadow> from <KASAN_SHADOW_START> to <KASAN_SHADOW_END>

      Examples: Kconfig default shadow offsets
        | config | shadow | KASAN_SHADOW_START | KASAN_SHADOW_END   | why                                        |
        | 4K/48  | 32T    | 0xffff800000000000 | 0xffffa00000000000 | starts at PAGE_END, as memory.rst draws it |
        | 16K/36 | 8G     | 0xfffffff800000000 | 0xfffffffa00000000 | the smallest shadow                        |
        | 64K/52 | 512T   | 0xfffda00000000000 | 0xffffa00000000000 | ends where 48-bit's ends: a gap            |

  Rule: vmalloc starts 256M above the end of the KASAN shadow, after BPF JIT and modules

    Scenario Outline: VMALLOC_START with and without KASAN
      Given the configuration <config>
      And generic KASAN is <KASAN>
      Then MODULES_END is <VMALLOC_START>
      And VMALLOC_START is <VMALLOC_START>

      Examples: Without KASAN the shadow's end is the PAGE_END of VA_BITS_MIN
        | config | KASAN | VMALLOC_START      | why                                       |
        | 4K/48  | off   | 0xffff800010000000 | the worked example of the thread          |
        | 64K/52 | off   | 0xffff800010000000 | 48-bit PAGE_END: far above the linear map |

      Examples: With KASAN vmalloc moves up by the shadow
        | config | KASAN | VMALLOC_START      | why                                  |
        | 4K/48  | on    | 0xffffa00010000000 | as memory.rst draws it               |
        | 16K/36 | on    | 0xfffffffa10000000 | 256M above the smallest shadow's end |

  Rule: VMALLOC_END stays a PUD_SIZE, the vmemmap and 64K short of the top, whatever KASAN does

    Scenario Outline: VMALLOC_END
      Given the configuration <config>
      And generic KASAN is <KASAN>
      Then VMALLOC_END is <VMALLOC_END>
      And the gap from VMALLOC_END to the top of the address space is a PUD_SIZE of <PUD_SIZE>, a VMEMMAP_SIZE of <VMEMMAP_SIZE> and 64K

      Examples: A real PUD, and a PUD folded into the PGD
        | config | KASAN | VMALLOC_END        | PUD_SIZE | VMEMMAP_SIZE | why                              |
        | 4K/48  | off   | 0xfffffdffbfff0000 | 1G       | 2T           | the worked example of the thread |
        | 16K/48 | off   | 0xffffff6fffff0000 | 64G      | 512G         | a real PUD: 64G                  |
        | 64K/48 | off   | 0xfffffbdfffff0000 | 4T       | 128G         | PUD_SIZE is a whole PGD entry    |

      Examples: KASAN does not move it
        | config | KASAN | VMALLOC_END        | PUD_SIZE | VMEMMAP_SIZE | why                    |
        | 64K/52 | on    | 0xfffff81fffff0000 | 4T       | 3968G        | as memory.rst draws it |

  Rule: vmemmap holds a 64-byte struct page for every page the linear map can cover, and ends 2M below the top

    Scenario Outline: VMEMMAP_START and VMEMMAP_END
      Given the configuration <config>
      Then VMEMMAP_START is <VMEMMAP_START>
      And VMEMMAP_END is 0xffffffffffe00000
      And the vmemmap region spans <size>, 64 bytes for every page from PAGE_OFFSET to the PAGE_END of VA_BITS_MIN

      Examples: The thread's configuration and the two extremes of VA_BITS
        | config | VMEMMAP_START      | size  | why                                               |
        | 4K/48  | 0xfffffdffffe00000 | 2T    | the worked example of the thread                  |
        | 16K/36 | 0xfffffffff7e00000 | 128M  | 32G of linear map in 16K pages                    |
        | 64K/52 | 0xfffffc1fffe00000 | 3968G | sized so a 48-bit boot keeps the same PAGE_OFFSET |

  Rule: The regions are in ascending order and do not overlap

    Scenario Outline: Order of the regions without KASAN
      Given the configuration <config>
      Then the regions run from bottom to top as linear, bpf-jit, modules, vmalloc, fixmap, pci-io, vmemmap
      And no two regions overlap and all lie in the TTBR1 half

      Examples: The tightest layout and the one with a hole
        | config | why                                               |
        | 16K/36 | the smallest kernel VA space of all: 64G          |
        | 64K/52 | an unused hole between the linear map and BPF JIT |

    Scenario Outline: Order of the regions with KASAN
      Given the configuration <config>
      And generic KASAN is on
      Then the regions run from bottom to top as linear, kasan, bpf-jit, modules, vmalloc, fixmap, pci-io, vmemmap
      And no two regions overlap and all lie in the TTBR1 half

      Examples: The shadow as memory.rst draws it, and at its largest share
        | config | why                                                      |
        | 4K/48  | as memory.rst draws it                                   |
        | 4K/39  | the shadow takes a quarter of what the linear map leaves |

  Rule: The model reproduces the layout tables of the kernel's own documentation

  The tables of Documentation/arm64/memory.rst from v5.4 to v5.10 were drawn with KASAN on.
  Ends are inclusive, as the document writes them; sizes are rounded down where marked "~".

    Scenario: 4K pages, four levels, 48-bit VA, with KASAN
      Given the configuration 4K/48
      And generic KASAN is on
      Then the layout table, as memory.rst draws it, reads:
        | start            | end              | size   | use                       |
        | 0000000000000000 | 0000ffffffffffff | 256TB  | user                      |
        | ffff000000000000 | ffff7fffffffffff | 128TB  | kernel logical memory map |
        | ffff800000000000 | ffff9fffffffffff | 32TB   | kasan shadow region       |
        | ffffa00000000000 | ffffa00007ffffff | 128MB  | bpf jit region            |
        | ffffa00008000000 | ffffa0000fffffff | 128MB  | modules                   |
        | ffffa00010000000 | fffffdffbffeffff | ~93TB  | vmalloc                   |
        | fffffdffbfff0000 | fffffdfffe5f8fff | ~998MB | [guard region]            |
        | fffffdfffe5f9000 | fffffdfffe9fffff | 4124KB | fixed mappings            |
        | fffffdfffea00000 | fffffdfffebfffff | 2MB    | [guard region]            |
        | fffffdfffec00000 | fffffdffffbfffff | 16MB   | PCI I/O space             |
        | fffffdffffc00000 | fffffdffffdfffff | 2MB    | [guard region]            |
        | fffffdffffe00000 | ffffffffffdfffff | 2TB    | vmemmap                   |
        | ffffffffffe00000 | ffffffffffffffff | 2MB    | [guard region]            |

    Scenario: 64K pages, three levels, 52-bit VA, with KASAN
      Given the configuration 64K/52
      And generic KASAN is on
      Then the layout table, as memory.rst draws it, reads:
        | start            | end              | size   | use                       |
        | 0000000000000000 | 000fffffffffffff | 4PB    | user                      |
        | fff0000000000000 | fff7ffffffffffff | 2PB    | kernel logical memory map |
        | fff8000000000000 | fffd9fffffffffff | 1440TB | [gap]                     |
        | fffda00000000000 | ffff9fffffffffff | 512TB  | kasan shadow region       |
        | ffffa00000000000 | ffffa00007ffffff | 128MB  | bpf jit region            |
        | ffffa00008000000 | ffffa0000fffffff | 128MB  | modules                   |
        | ffffa00010000000 | fffff81ffffeffff | ~88TB  | vmalloc                   |
        | fffff81fffff0000 | fffffc1ffe58ffff | ~3TB   | [guard region]            |
        | fffffc1ffe590000 | fffffc1ffe9fffff | 4544KB | fixed mappings            |
        | fffffc1ffea00000 | fffffc1ffebfffff | 2MB    | [guard region]            |
        | fffffc1ffec00000 | fffffc1fffbfffff | 16MB   | PCI I/O space             |
        | fffffc1fffc00000 | fffffc1fffdfffff | 2MB    | [guard region]            |
        | fffffc1fffe00000 | ffffffffffdfffff | 3968GB | vmemmap                   |
        | ffffffffffe00000 | ffffffffffffffff | 2MB    | [guard region]            |
