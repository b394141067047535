@translation
Feature: A kernel address translates level by level, and faults at the first entry that is none
  The MMU, and every kernel walker of init_mm (ptdump, vmalloc, the hot-remove passes), resolve a
  kernel virtual address the same way: read one entry of swapper_pg_dir, follow it to a table page of
  the next level, and stop at a block, a page, or an entry that is none. Which table pages a walk
  touches is exactly what hot-remove must reason about before it frees one, so the manual starts here.

  The index read at each level is (address >> shift of the level) modulo the entries of a table; for a
  linear-map address the offset from PAGE_OFFSET is the offset of the physical address from
  PHYS_OFFSET (0x40000000 on the model's QEMU-like machine, whose 2 GiB of boot memory start there).
  Physical 0xb6543210 is 0x76543210 into boot memory, so with 4K pages its PMD index is
  (0x76543210 >> 21) mod 512 = 434 and its PTE index (0x76543210 >> 12) mod 512 = 323; with 16K pages
  (>> 25 and >> 14, mod 2048) 59 and 336; with 64K pages (>> 29 and >> 16, mod 8192) 3 and 5716.
  Every walk is attached, naming the table pages it read and the entry it found in each. The rows
  below pick a few configurations; test/tables/walk-paths.test.ts walks every one of them.

  Rule: A mapped address translates to its physical address through one table page per level down to the leaf

    Scenario Outline: a byte of boot memory in the page-mapped linear map of <config>
      Given a kernel booted with the configuration <config>
      When the address <va> is translated
      Then it translates to the physical address 0xb6543210
      And the walk reads <walk>
      And every table the walk read is a live table reachable at its level
      And the leaf for <va> is a PTE page

      Examples: rodata_full on (the v5.7 default): the linear map is page-mapped, every walk ends at a PTE
        | config | va                 | walk                                  | why          |
        | 4K/48  | 0xffff000076543210 | PGD[0] → PUD[1] → PMD[434] → PTE[323] | all 4 levels |

    Scenario Outline: with rodata_full off the walk of <config> stops early, at a block
      Given a kernel booted with the configuration <config> with rodata_full off
      When the address <va> is translated
      Then it translates to the physical address 0xb6543210
      And the walk reads <walk>
      And the leaf for <va> is a <leaf>

      Examples: blocks where boot memory is aligned to them (4K: 1G, 16K: 32M, 64K: 512M)
        | config | va                 | walk    | leaf      | why                                       |
        | 16K/36 | 0xfffffff076543210 | PGD[59] | PGD block | the folded PMD's 32M block is a PGD entry |

    Scenario Outline: the kernel image starts TEXT_OFFSET above VMALLOC_START, which KASAN moves (<config>)
      Given a kernel booted with the configuration <boot>
      When the address <va> is translated
      Then it translates to the physical address <pa>
      And the walk reads <walk>
      And the leaf for <va> is a <leaf>
      And the contiguous bit of the leaf for <va> is <cont>

      Examples: v5.7 loads the image 512K (TEXT_OFFSET) above a 2M boundary, so _text is pages up to the next one
        | config | boot  | va                 | pa         | walk                                    | leaf     | cont | why                                |
        | 4K/48  | 4K/48 | 0xffff800010080000 | 0x40080000 | PGD[256] → PUD[0] → PMD[128] → PTE[128] | PTE page | set  | _text, 512K into a block: 64K runs |

      Examples: from the first 2M boundary inside the image on, blocks or whole CONT runs
        | config | boot              | va                 | pa         | walk                         | leaf     | cont | why                     |
        | 64K/48 | 64K/48 with KASAN | 0xffffa00010200000 | 0x40200000 | PGD[40] → PMD[0] → PTE[4128] | PTE page | set  | 64K pages: 2M CONT runs |

  Rule: A walk stops at the first entry that is none, and the address faults at that level

    Scenario Outline: an address of <config> with nothing mapped behind it
      Given a kernel booted with the configuration <config> with rodata_full off
      When the address <va> is translated
      Then the translation faults at the <level> entry
      And the walk reads <walk>

      Examples: just past boot memory in the linear map (physical 0xc0000000): no table was ever needed there
        | config | va                 | walk            | level | why                                        |
        | 4K/48  | 0xffff000080000000 | PGD[0] → PUD[2] | PUD   | the PUD table holds boot memory's 2 blocks |
        | 16K/36 | 0xfffffff080000000 | PGD[64]         | PGD   | 64 PGD blocks of 32M cover 2G              |

      Examples: the guard page after the 32M kernel image (VMALLOC_START + 512K + 32M): its PTE table exists, the entry is none
        | config | va                 | walk                                    | level | why                                |
        | 4K/48  | 0xffff800012080000 | PGD[256] → PUD[0] → PMD[144] → PTE[128] | PTE   | the image's last 512K are pages    |
        | 64K/42 | 0xfffffe0012080000 | PGD[4096] → PTE[4616]                   | PTE   | image and areas share a 512M table |
