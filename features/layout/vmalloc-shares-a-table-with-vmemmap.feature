@layout
Feature: vmalloc shares a page-table page with vmemmap on 4K/48 and 16K/48
  vmalloc walks the kernel page tables without the lock that hot-remove holds; it takes
  init_mm.page_table_lock only to install a missing table. If hot-remove frees a table page that
  vmalloc can also reach, the two race: vmalloc may read, or install a table into, a page that was
  just freed. V7 of the arm64 hot-remove series therefore checked at boot whether VMALLOC_END and
  VMEMMAP_START fall in the same PGD entry and, if so, never freed vmemmap tables at all. The review
  thread replaced the flag with floor and ceiling: a table is freed only if everything it maps lies
  inside the region being torn down, so a table that vmalloc also uses is never eligible.

  This feature shows where that sharing really happens in v5.7. VMALLOC_END is −(PUD_SIZE +
  VMEMMAP_SIZE + 64K) and VMEMMAP_START is −(VMEMMAP_SIZE + 2M), so the gap between them is
  PUD_SIZE + 64K − 2M: a little less than one PUD entry, not more. They still never meet under one
  PUD entry, because VMEMMAP_SIZE is a whole number of PUD_SIZEs wherever the PUD is a real level
  (2T on 4K/48, 512G on 16K/48): vmalloc then ends 64K below a PUD boundary, and VMEMMAP_START lies
  PUD_SIZE − 2M above that boundary, inside the next PUD entry. Where the PUD is folded, a PUD entry
  is a whole PGD entry, and vmalloc ends in the PGD entry just before vmemmap's. With four levels a
  PGD entry spans many PUD entries: vmalloc's last byte and VMEMMAP_START then hang off the same PGD
  entry and share the PUD table under it, using two neighbouring entries of it. Below that table
  nothing is shared: the PMD table under vmemmap's PUD entry holds vmemmap, PCI I/O and the fixmap,
  and vmalloc never reaches it. test/arch/sharing.test.ts checks the PGD entries of every
  configuration, with and without KASAN.

  Rule: The gap from VMALLOC_END to VMEMMAP_START is PUD_SIZE + 64K − 2M, less than one PUD entry

    Scenario Outline: The gap on <config>
      Given the configuration <config>
      Then VMEMMAP_START lies <gap> above VMALLOC_END: a PUD_SIZE of <PUD_SIZE>, plus 64K, less 2M

      Examples: One row per PUD_SIZE
        | config | gap         | PUD_SIZE | why                                      |
        | 4K/48  | 1046592K    | 1G       | the case the thread argues about         |
        | 16K/36 | 30784K      | 32M      | two levels: PUD_SIZE is a 32M PGD entry  |
        | 64K/42 | 522304K     | 512M     | two levels: PUD_SIZE is a 512M PGD entry |
        | 64K/52 | 4294965312K | 4T       | three levels: PUD_SIZE is a 4T PGD entry |

  Rule: With four levels both hang off one PGD entry and share the PUD table under it, but never one PUD entry

    Scenario Outline: The shared PGD entry and table
      Given the configuration <config>
      Then the last vmalloc byte is <last vmalloc byte>, in PGD entry <entry>
      And VMEMMAP_START falls in PGD entry <entry>
      And vmalloc and vmemmap share only the PUD table under that entry, which maps <span> from <table start>
      And in that table the last vmalloc byte uses entry <vmalloc PUD> and VMEMMAP_START entry <vmemmap PUD>

      Examples: Four-level configurations
        | config | last vmalloc byte  | entry | span | table start        | vmalloc PUD | vmemmap PUD | why                              |
        | 4K/48  | 0xfffffdffbffeffff | 507   | 512G | 0xfffffd8000000000 | 510         | 511         | the case the thread argues about |
        | 16K/48 | 0xffffff6ffffeffff | 1     | 128T | 0xffff800000000000 | 2038        | 2039        | the PGD's second and last entry  |

  Rule: Where the PUD is folded, vmalloc ends in the PGD entry just before vmemmap's, and no table page is shared

    Scenario Outline: Neighbouring PGD entries
      Given the configuration <config>
      Then the last vmalloc byte is <last vmalloc byte>, in PGD entry <vmalloc entry>
      And VMEMMAP_START falls in PGD entry <vmemmap entry>
      And vmalloc and vmemmap share no table page

      Examples: Three levels
        | config | last vmalloc byte  | vmalloc entry | vmemmap entry | why                      |
        | 4K/39  | 0xfffffffebffeffff | 506           | 507           | 1G PGD entries           |
        | 64K/52 | 0xfffff81ffffeffff | 1022          | 1023          | the widest PGD           |

      Examples: Two levels
        | config | last vmalloc byte  | vmalloc entry | vmemmap entry | why                      |
        | 16K/36 | 0xfffffffff5feffff | 2042          | 2043          | the PGD holds PTE tables |

  Rule: KASAN leaves the sharing as it is, because it moves VMALLOC_START and not VMALLOC_END

    Scenario Outline: Sharing with KASAN on
      Given the configuration <config>
      And generic KASAN is on
      Then the last vmalloc byte is <last vmalloc byte>, in PGD entry <vmalloc entry>
      And VMEMMAP_START falls in PGD entry <vmemmap entry>

      Examples: Shared and not shared
        | config | last vmalloc byte  | vmalloc entry | vmemmap entry | why                             |
        | 4K/48  | 0xfffffdffbffeffff | 507           | 507           | still shared                    |
        | 16K/48 | 0xffffff6ffffeffff | 1             | 1             | still shared                    |
        | 64K/52 | 0xfffff81ffffeffff | 1022          | 1023          | still neighbours                |

  Rule: The shared table maps addresses below VMEMMAP_START, so a floor of VMEMMAP_START keeps it

  The PUD table under the shared entry spans its whole PGD entry, which begins inside vmalloc.
  vmemmap_free() passes VMEMMAP_START as the floor, so that table is never eligible for freeing,
  however empty its vmemmap entries become.

    Scenario Outline: The shared table reaches outside vmemmap
      Given the configuration <config>
      Then the shared table begins below VMEMMAP_START, outside the vmemmap region

      Examples: Four-level configurations
        | config | why                                              |
        | 4K/48  | the PUD table of entry 507 also maps vmalloc     |
        | 16K/48 | the PUD table of entry 1 also maps vmalloc       |
