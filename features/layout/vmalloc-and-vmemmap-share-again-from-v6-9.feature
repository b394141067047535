@layout
Feature: Which tables vmalloc and vmemmap share, era by era: the v6.9 layout brings sharing back
  The race the thread removed needs a table page that both vmalloc and vmemmap walk through: vmalloc
  walks without the lock hot-remove holds, so hot-remove must never free such a page. In v5.7 that
  page exists on 4K/48 and 16K/48 (the PUD table under the PGD entry both hang off).

  The v5.11 layout put vmemmap at −2^(VA_BITS − VMEMMAP_SHIFT) and ended vmalloc 256M below it. On
  4K/48 VMEMMAP_START is then a PGD boundary and the sharing was gone — but not everywhere: with only
  two PGD entries (16K/48) or 4T ones (64K/48) vmalloc's end and VMEMMAP_START still meet under one.
  The v6.9 layout ends vmemmap at −1G and vmalloc 8M below VMEMMAP_START, which is no longer aligned
  to anything larger than 1G: on most configurations the two meet again, and on 16K pages they even
  share a second table one level down. The thread's "never free a table vmalloc can use" is live
  again, and floor = VMEMMAP_START still keeps every such table out of reach, because each one begins
  below VMEMMAP_START. test/arch/era.test.ts checks what every configuration shares in every era.

  Rule: What vmalloc's last byte and VMEMMAP_START share, below the PGD, in each era

    Scenario Outline: vmalloc and vmemmap on <config> in the three eras
      Given the configuration <config>
      Then vmalloc and vmemmap share <v5.7> in v5.7, <v6.1> in v6.1 and <v6.12> in v6.12

      Examples: Shared in v5.7, and again in v6.12
        | config | v5.7          | v6.1          | v6.12                  | why                                    |
        | 4K/48  | the PUD table | no table      | the PUD table          | v6.1's VMEMMAP_START is a PGD boundary |
        | 16K/48 | the PUD table | the PUD table | the PUD and PMD tables | one 64G PUD entry holds both ends      |

      Examples: Shared only after v5.7
        | config | v5.7     | v6.1          | v6.12         | why                               |
        | 64K/48 | no table | the PMD table | the PMD table | vmemmap is 256G of a 4T PGD entry |

      Examples: Never shared
        | config | v5.7     | v6.1     | v6.12    | why                             |
        | 4K/39  | no table | no table | no table | a PGD entry is one 1G PUD entry |

  Rule: With 52 bits on 4K and 16K pages the sharing depends on the CPU

    Scenario Outline: <config> of v6.12 <cpu>
      Given the configuration <config> of Linux v6.12 <cpu>
      Then vmalloc and vmemmap share <shared>

      Examples: LPA2 or not
        | config | cpu          | shared                 | why                                   |
        | 4K/52  | with LPA2    | the P4D and PUD tables | five levels: one P4D entry holds both |
        | 4K/52  | without LPA2 | the PUD table          | the P4D folded: as 4K/48 of v6.12     |
        | 16K/52 | with LPA2    | the PUD and PMD tables | as 16K/48, 32 PGD entries             |
        | 16K/52 | without LPA2 | the PMD table          | the PUD folded: as 16K/47 of v6.12    |

  Rule: Every shared table begins below VMEMMAP_START, so vmemmap_free's floor never lets it go

    Scenario Outline: The shared tables of <config> in <era>
      Given the configuration <config> of Linux <era>
      Then the shared table begins below VMEMMAP_START, outside the vmemmap region

      Examples: Each shared case after v5.7
        | config | era   | why                                     |
        | 4K/48  | v6.12 | the PUD table of PGD entry 507          |
        | 16K/48 | v6.12 | that PUD table and a PMD table under it |
        | 64K/48 | v6.1  | the PMD table of the last PGD entry     |
        | 4K/52  | v6.12 | a P4D table and a PUD table, with LPA2  |

  Rule: Stripped of everything they held, the shared tables are still kept — the floor decides

  As in v5.7's chapter on shared tables, every entry of the top shared table is cleared (a
  constructed state), so nothing of boot pins anything; then one memory block is hot-added and
  hot-removed. Its struct pages lie under both shared tables of 16K/48 in v6.12.

    Scenario Outline: a memory block of 16K/48 in v6.12, policy <policy>
      Given a kernel booted with the configuration 16K/48 of Linux v6.12 with rodata_full off
      And the shared table is stripped of everything it holds (a constructed state)
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed with the policy <policy>
      Then the PMD table at 0xffffff7000000000 is <shared PMD table>
      And the PUD table at 0xffff800000000000 is <shared PUD table>

      Examples: floor and ceiling against emptiness alone
        | policy     | shared PMD table                          | shared PUD table                          | why                            |
        | v5.7       | kept: outside floor/ceiling (below-floor) | kept: outside floor/ceiling (below-floor) | both begin below VMEMMAP_START |
        | empty-only | freed                                     | freed after a WARN: reserved (boot)       | emptiness alone frees both     |

  Rule: A 52-bit kernel running with 48 bits keeps the 52-bit VMEMMAP_START as its floor, so the table it shares with vmalloc becomes eligible

  vmemmap_free passes the constant VMEMMAP_START, computed for 52 bits, as the floor. On a CPU
  without LPA2 the kernel uses only the top of vmemmap, from the struct page of _PAGE_OFFSET(48), and
  vmalloc reaches up to 8M below that (pgtable.h's VMALLOC_END for a 52-bit build), 60T above
  VMEMMAP_START: the PUD table vmalloc and vmemmap share now lies wholly above the floor, and only
  its entries keep it. In the real boot state boot memory's
  struct pages hold one of them; stripped of them, the table goes, as emptiness alone would free it
  — a page memblock allocated at boot, so free_hotplug_page_range warns and frees it all the same.

    Scenario Outline: the first memory block's struct pages on 4K/52 of v6.12 <cpu>
      Given a kernel booted with the configuration 4K/52 of Linux v6.12 <cpu> with rodata_full off
      And the shared table is stripped of everything it holds (a constructed state)
      When the section at 0x200000000 is hot-added
      And the section at 0x200000000 is hot-removed
      Then the PUD table at <shared PUD table> is <result>

      Examples: The floor against the shared table
        | cpu          | shared PUD table   | result                                    | why                                                  |
        | with LPA2    | 0xffffc18000000000 | kept: outside floor/ceiling (below-floor) | it starts below VMEMMAP_START, 0xffffc1ffc0000000    |
        | without LPA2 | 0xfffffd8000000000 | freed after a WARN: reserved (boot)       | VMEMMAP_START, 0xffffc1ffc0000000, lies 60T below it |

  Rule: There the design merged in v5.7 races vmalloc again, once nothing of boot pins the shared table

  The same race the thread removed, explored as in emptiness-alone-races-vmalloc.feature: hot-remove
  frees the struct pages at the first vmemmap address the kernel uses while vmalloc maps a page at
  the top of the vmalloc space, in every interleaving. Where the shared table starts below the floor
  it is never eligible. With the 52-bit floor below it, hot-remove can free the shared PUD
  table between vmalloc's read of the PGD entry and its use of the table. In the real boot state
  boot memory's struct pages, which can never be removed, keep an entry of that table live.

    Scenario Outline: v5.7's policy on <config> of v6.12 <cpu>, <state>
      Given the <state> on <config> of Linux v6.12 <cpu>
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy v5.7
      Then the explorer finds <outcome>

      Examples: The floor above and below the shared table's start
        | config | cpu          | state             | outcome            | why                                              |
        | 4K/48  | with LPA2    | constructed state | no violation       | a 48-bit build: the table starts below the floor |
        | 4K/52  | with LPA2    | constructed state | no violation       | 52 bits run: the table starts below the floor    |
        | 4K/52  | without LPA2 | constructed state | a freed-while-held | the floor lies 60T below the table               |
        | 4K/52  | without LPA2 | real boot state   | no violation       | boot memory's struct pages pin the table         |
