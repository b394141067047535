@layout
Feature: The layout moved twice after v5.7: v5.7, v6.1 and v6.12 side by side
  The thread's design does not depend on where the regions lie: hot-remove frees a table page only
  when everything it maps lies between floor and ceiling, and those are the bounds of the region
  being torn down — [PAGE_OFFSET, PAGE_END) for the linear map, [VMEMMAP_START, VMEMMAP_END) for
  the struct pages. What the regions are did change. The model knows three kernels, each read from
  its own sources:

  - v5.7, the kernel that merged hot-remove: BPF JIT and modules above the linear map, vmemmap at the
    very top, 1G sections, the image 512K above KIMAGE_VADDR (TEXT_OFFSET).
  - v6.1 (Debian 12's kernel): the v5.11 layout, where vmemmap starts at −2^(VA_BITS − VMEMMAP_SHIFT)
    with PCI I/O and the fixmap below it and vmalloc ending 256M below VMEMMAP_START; no BPF region
    (gone in v5.17), 128M modules at the PAGE_END of VA_BITS_MIN; no TEXT_OFFSET (gone in v5.8);
    sections of 128M on 4K and 16K, 512M on 64K (v5.12).
  - v6.12: the v6.9 layout, where vmemmap ends at −1G, PCI I/O and the fixmap lie above it, vmalloc
    ends 8M below VMEMMAP_START and modules take 2G; and 52-bit VA on 4K and 16K pages with LPA2.

  The unit tests compare the two eras after v5.7 with the tables of their own memory.rst and with
  what a real 6.12 guest shows; this chapter shows them side by side, a few symbols and
  configurations per rule (test/arch/era.test.ts holds every configuration in every era).

  Rule: On 4K/48 everything above the linear map moved

    Scenario Outline: <symbol> on 4K/48 in the three eras
      Given the configuration 4K/48
      Then <symbol> is <v5.7> in v5.7, <v6.1> in v6.1 and <v6.12> in v6.12

      Examples: From the bottom of the kernel half to the top
        | symbol        | v5.7               | v6.1               | v6.12              | why                                          |
        | MODULES_VADDR | 0xffff800008000000 | 0xffff800000000000 | 0xffff800000000000 | the BPF region below modules is gone         |
        | VMALLOC_START | 0xffff800010000000 | 0xffff800008000000 | 0xffff800080000000 | modules grew from 128M to 2G                 |
        | FIXADDR_TOP   | 0xfffffdfffea00000 | 0xfffffbfffe000000 | 0xffffffffff800000 | below vmemmap until v6.9, then at −8M        |
        | VMEMMAP_END   | 0xffffffffffe00000 | 0xfffffe0000000000 | 0xffffffffc0000000 | 2M below the top, then 2T below it, then −1G |

  Rule: vmemmap moved on every configuration

    Scenario Outline: VMEMMAP_START on <config> in the three eras
      Given the configuration <config>
      Then VMEMMAP_START is <v5.7> in v5.7, <v6.1> in v6.1 and <v6.12> in v6.12

      Examples: Four levels
        | config | v5.7               | v6.1               | v6.12              | why                        |
        | 4K/48  | 0xfffffdffffe00000 | 0xfffffc0000000000 | 0xfffffdffc0000000 | the thread's configuration |
        | 16K/48 | 0xffffff7fffe00000 | 0xffffff0000000000 | 0xffffff7fc0000000 | two PGD entries of 128T    |

      Examples: Three levels
        | config | v5.7               | v6.1               | v6.12              | why            |
        | 64K/52 | 0xfffffc1fffe00000 | 0xfffffc0000000000 | 0xfffffc1fc0000000 | the widest PGD |

      Examples: Two levels
        | config | v5.7               | v6.1               | v6.12              | why             |
        | 16K/36 | 0xfffffffff7e00000 | 0xfffffffff0000000 | 0xffffffffb8000000 | 32M PGD entries |

  Rule: The regions keep their order until v6.9 puts PCI I/O and the fixmap above vmemmap

    Scenario Outline: The regions of 4K/48 in <era>
      Given the configuration 4K/48 of Linux <era>
      Then the regions run from bottom to top as <regions>

      Examples: One row per era
        | era   | regions                                                    | why                    |
        | v5.7  | linear, bpf-jit, modules, vmalloc, fixmap, pci-io, vmemmap | vmemmap at the top     |
        | v6.1  | linear, modules, vmalloc, fixmap, pci-io, vmemmap          | the BPF region is gone |
        | v6.12 | linear, modules, vmalloc, vmemmap, pci-io, fixmap          | vmemmap ends at −1G    |

  Rule: Sections, the unit of hot-add and hot-remove, shrank in v5.12

    Scenario Outline: A section of <config> in the three eras
      Given the configuration <config>
      Then a memory section is <v5.7> in v5.7, <v6.1> in v6.1 and <v6.12> in v6.12

      Examples: SECTION_SIZE_BITS 30, then 27 or 29
        | config | v5.7 | v6.1 | v6.12 | why                                 |
        | 4K/48  | 1G   | 128M | 128M  | one 2M vmemmap block per section    |
        | 16K/47 | 1G   | 128M | 128M  | 16K follows 4K                      |
        | 64K/42 | 1G   | 512M | 512M  | a 64K section must hold a MAX_ORDER |

  Rule: Only v6.12 builds 52 bits with 4K and 16K pages, and a CPU without LPA2 runs it with 48 or 47

  With LPA2 a 4K kernel walks five levels, the top one 16 entries; without it the same kernel runs
  with vabits_actual 48 and folds that level at run time. Its linear map then starts at
  _PAGE_OFFSET(48) and only the top of vmemmap is used, as the 6.12 guest showed on cortex-a57
  (48 bits) and on -cpu max (52 bits). The 16K kernel falls back to 47 bits and three levels.

    Scenario Outline: <config> of v6.12 <cpu>
      Given the configuration <config> of Linux v6.12 <cpu>
      Then the kernel walks <levels> levels from a PGD of <entries> entries, each mapping <maps>
      And PAGE_OFFSET is <PAGE_OFFSET>
      And VMEMMAP_START is <VMEMMAP_START>

      Examples: 4K pages, the Debian 6.12 build the guest ran
        | config | cpu          | levels | entries | maps | PAGE_OFFSET        | VMEMMAP_START      | why                 |
        | 4K/52  | with LPA2    | 5      | 16      | 256T | 0xfff0000000000000 | 0xffffc1ffc0000000 | -cpu max: 52 bits   |
        | 4K/52  | without LPA2 | 4      | 512     | 512G | 0xffff000000000000 | 0xfffffdffc0000000 | cortex-a57: 48 bits |

      Examples: 16K pages
        | config | cpu          | levels | entries | maps | PAGE_OFFSET        | VMEMMAP_START      | why                     |
        | 16K/52 | with LPA2    | 4      | 32      | 128T | 0xfff0000000000000 | 0xfffff03fc0000000 | 52 bits, 32 PGD entries |
        | 16K/52 | without LPA2 | 3      | 2048    | 64G  | 0xffff800000000000 | 0xffffffbfc0000000 | falls back to 47 bits   |
