@real-kernels
Feature: The design on real kernels: Linux 6.1 and 6.12, hot-plugged in QEMU, against the model
  Every other feature checks the claims on the model. Here a real kernel answers. `npm run
  conformance` boots Debian's arm64 kernels under QEMU — 6.1 (4K pages, 48-bit VA) and 6.12 (4K and
  16K pages, 52-bit VA, on a CPU with LPA2 and on one without it) — with a virtio-mem device, plugs and
  unplugs memory in 128M memory blocks through the kernel's own arch_add_memory and
  arch_remove_memory, and after each stage stops the guest and reads its page tables from a snapshot
  of guest RAM with the model's own walker. It records what it saw under
  `features/data/real-kernels/`; the scenarios below read those recordings, so they run without QEMU.

  Each run plugs half of a 1G region, onlines it, unplugs down to a quarter, unplugs the rest, then
  plugs the whole region again: once next to boot memory ("near") and once 513G up ("far"), where
  the hot-plugged memory's linear map needs a top-level entry of its own. The tables compared are
  those on the walks of the region's linear map and struct pages: level, the span each maps, and
  what each maps of the region; physical addresses differ from boot to boot and are not compared.
  The rows pick runs that differ in kernel, granule and CPU; test/conformance/recorded-runs.test.ts
  compares the model with every recorded run.

  Rule: The model, in the kernel's era, predicts every table the real kernel showed, at every stage

  The model boots the guest's machine (512M of boot memory at 1G) in the era of the kernel, adds and
  removes the same memory blocks one arch_add_memory or arch_remove_memory each, as the virtio-mem
  driver does, and walks the same ranges. A table on one side only, a different count of what a table
  maps of the region, or a table mapping something else on one side only, is a disagreement.

    Scenario Outline: Linux <kernel> on a <cpu> CPU: <machine>, <va> at run time
      Given the hot-plug run recorded from Linux <kernel> on a <cpu> CPU
      Then the kernel ran <machine>
      And the model, plugging the same memory blocks in the same era, shows the kernel’s tables at every stage
      And the layout the kernel reported in VMCOREINFO is the model’s

      Examples: Debian 12's kernels: each granule, each era, a CPU with LPA2 and one without
        | kernel   | cpu        | machine                           | va     |
        | 6.1      | cortex-a57 | 4K/48 of Linux v6.1               | 48-bit |
        | 6.12     | cortex-a57 | 4K/52 of Linux v6.12 without LPA2 | 48-bit |
        | 6.12     | max        | 4K/52 of Linux v6.12 with LPA2    | 52-bit |
        | 6.12-16k | max        | 16K/52 of Linux v6.12 with LPA2   | 52-bit |

  Rule: Tables appear when memory is hot-added, not when it goes online

  arch_add_memory maps the linear map and populates the struct pages; onlining only hands the pages
  to the page allocator. So the tables after onlining are exactly those after the plug.

    Scenario Outline: Linux <kernel> on a <cpu> CPU, <placement>
      Given the hot-plug run recorded from Linux <kernel> on a <cpu> CPU
      Then in the <placement> placement the plug brought <tables> tables, and onlining changed none, on the kernel and in the model

      Examples: 512M plugged: 4K pages need 256 PTE tables for its linear map, 16K pages 16
        | kernel   | cpu        | placement | tables                | why                                                                               |
        | 6.1      | cortex-a57 | near      | PMD 1, PTE 256        | the PUD table mapping boot memory takes the PMD table                             |
        | 6.1      | cortex-a57 | far       | PUD 1, PMD 2, PTE 256 | a top-level entry of its own: a PUD table, and one PMD table for the struct pages |
        | 6.12     | max        | far       | PUD 2, PMD 2, PTE 256 | five levels, but 513G is still under the first P4D table                          |
        | 6.12-16k | max        | far       | PMD 2, PTE 17         | 16K: a PMD table maps 64G; the struct pages take a PTE table                      |

  Rule: With the enclosing region as floor and ceiling, unplugging everything frees every table that mapped only the unplugged memory

  After the last block goes, the tables over the region are those from before the plug: every table
  the plug brought is freed — on a far placement up to the top-level entry's own table — and a table
  that also maps boot memory or other struct pages stays.

    Scenario Outline: Linux <kernel> on a <cpu> CPU, <placement>
      Given the hot-plug run recorded from Linux <kernel> on a <cpu> CPU
      Then in the <placement> placement unplugging it all freed <tables> tables, and the tables are those from before the plug, on the kernel and in the model

      Examples: what the plug brought goes again
        | kernel   | cpu          | placement | tables                |
        | 6.1      | cortex-a57   | near      | PMD 1, PTE 256        |
        | 6.1      | cortex-a57   | far       | PUD 1, PMD 2, PTE 256 |
        | 6.12     | cortex-a57   | far       | PUD 2, PMD 2, PTE 256 |
        | 6.12-16k | max,lpa2=off | far       | PMD 2, PTE 17         |

  Rule: Unplugging part of the memory frees the tables that mapped only that part, and keeps every table that still maps something

    Scenario Outline: Linux <kernel> on a <cpu> CPU, <placement>
      Given the hot-plug run recorded from Linux <kernel> on a <cpu> CPU
      Then in the <placement> placement unplugging down to a quarter freed <tables> tables, and every table left over the region still maps something, on the kernel and in the model

      Examples: from 512M down to 256M: half the PTE tables go, their PMD table stays
        | kernel   | cpu        | placement | tables  |
        | 6.1      | cortex-a57 | near      | PTE 128 |
        | 6.12     | max        | far       | PTE 128 |
        | 6.12-16k | max        | far       | PTE 8   |

  Rule: From v6.9 vmalloc and vmemmap share a table again, and hot-remove never freed it

  In 6.12 the struct pages of the first memory lie right above the end of vmalloc, under one table
  (the layout chapter shows which, per configuration); on 6.1's 4K/48 layout they do not. The near
  placement's struct pages are mapped under that table, beside vmalloc's own last entries (the percpu
  chunks, allocated from the top of vmalloc down). Hot-remove tore the struct pages down and kept the
  table at every stage. On a CPU without LPA2 the floor, the 52-bit VMEMMAP_START, lies below this
  table, so only its other entries keep it (the layout chapter shows the race this leaves open).

    Scenario Outline: Linux <kernel> on a <cpu> CPU
      Given the hot-plug run recorded from Linux <kernel> on a <cpu> CPU
      Then in the near placement the <level> table at <table> spans the end of vmalloc, maps something besides the plugged memory, and stays at every stage, on the kernel and in the model

      Examples:
        | kernel   | cpu          | level | table              |
        | 6.12     | cortex-a57   | PUD   | 0xfffffd8000000000 |
        | 6.12     | max          | PUD   | 0xffffc18000000000 |
        | 6.12-16k | max          | PMD   | 0xfffff03000000000 |
        | 6.12-16k | max,lpa2=off | PMD   | 0xffffffb000000000 |
