@concurrency
Feature: Each bug injected into v5.7's table freeing is found by some interleaving, and v5.7 itself by none
  A proof of absence is worth only as much as the search's power to find what is there. Each row
  below changes one field of the v5.7 policy (src/concurrency/injected.ts) and names the actor that
  exposes it — the one whose work the broken rule was protecting — and the state it starts from.
  Every bug is found; in the same interleavings v5.7 finds nothing. The detectors: a table page freed
  while another actor's next step uses a pointer into it (freed-while-held); a read of a freed page
  (use-after-free); a walk through a cached pointer to a freed page (stale-walk); a mapping that was
  there before and is gone at the end although nobody removed it (lost-mapping).

  Which actor exposes which bug:
  - The floor keeps tables that reach below the region. On 4K/48 the PUD table vmalloc shares with
    vmemmap begins in vmalloc; without the floor check it is freed under vmalloc's walk.
  - The ceiling keeps tables that reach above it. In v5.7 nothing is mapped above VMEMMAP_END, but
    the two top tables of vmemmap span past it. A walker of those addresses that holds no lock — the
    W+X check (ptdump_check_wx), walking only [VMEMMAP_END, 2^64) — is safe under v5.7, because no
    table it reads can be eligible; without the ceiling check the top PMD table is freed under it.
    The state is a bare kernel in which nothing but the last leaf of vmemmap is mapped; that leaf is removed.
  - Freeing before clearing leaves the parent entry pointing at a free page: a CPU walking from the
    PGD, with nothing cached, reads it.
  - Skipping the walk-cache invalidation leaves the pointer in the CPU's walk cache.
  - Skipping the all-none scan frees a table that still maps something: here the struct pages of the
    section at 0xc0000000, hot-added next to the one at 0x40000000 whose last leaf is removed. Nothing
    races: a CPU that touches those struct pages finds them unmapped at the end, whatever the order.

  Rule: Every injected bug but one produces a violation, and v5.7 in the same interleavings none

    Scenario Outline: <bug>
      Given the <state> on <config>
      When every interleaving of hot-remove and <actor> is explored under the policy <bug>
      Then the explorer finds <outcome> after <steps> steps
      And under v5.7 the same race finds no violation

      Examples: one row per bug
        | bug                                     | config | state             | actor                                              | outcome            | steps | why                                    |
        | v5.7 without the floor check            | 4K/48  | constructed state | vmalloc at the top of the vmalloc space            | a freed-while-held | 20    | the shared PUD table starts in vmalloc |
        | v5.7 without the ceiling check          | 4K/48  | constructed state | ptdump_check_wx of the addresses above VMEMMAP_END | a freed-while-held | 16    | the top PMD table spans VMEMMAP_END    |
        | v5.7 freeing before clearing the parent | 4K/48  | real boot state   | a CPU walking from the PGD                         | a use-after-free   | 13    | the PUD entry still points at it       |
        | v5.7 without walk-cache invalidation    | 4K/48  | real boot state   | a CPU whose walk cache holds the path              | a stale-walk       | 14    | the walk cache still points at it      |
        | v5.7 without the all-none scan          | 4K/48  | constructed state | a CPU on the struct pages of the next section      | a lost-mapping     | 18    | the table still maps the next section  |

  Rule: On 16K/48 the shared table needs both checks gone before vmalloc can race

  On 16K/48 the shared PUD table spans the whole upper half: it starts in vmalloc, below the floor,
  and it ends at 2^64, above VMEMMAP_END. Either check alone keeps it.

    Scenario Outline: <bug> on 16K/48
      Given the constructed state on 16K/48
      When every interleaving of hot-remove and vmalloc at the top of the vmalloc space is explored under the policy <bug>
      Then the explorer finds no violation

      Examples: one check dropped, the other still refuses
        | bug                            | why                                            |
        | v5.7 without the floor check   | the ceiling refuses: the table ends at 2^64    |
        | v5.7 without the ceiling check | the floor refuses: the table starts in vmalloc |

  Rule: Comparing end > ceiling instead of end − 1 > ceiling − 1 cannot be told apart from v5.7 in any state the model reaches

  The two comparisons differ only when ceiling is 0 or end is 0, in 64-bit arithmetic. A ceiling
  of 0 ("the top of the address space") makes the bug refuse every table — it leaves tables behind,
  which is safe. An end of 0, a range that ends at 2^64, makes it accept a table that reaches past
  a non-zero ceiling — the dangerous direction — but no caller has such a range: vmemmap_free()
  ends at VMEMMAP_END at most, __remove_pgd_mapping() at PAGE_END, and pass 2 never looks past the
  end it was given. With v5.7's floor and ceiling the bug therefore decides every table exactly as
  v5.7 does, and no interleaving can show a difference. This is a limit of the model's reach, stated
  rather than worked around. test/hotplug/end-gt-ceiling-agrees-below-the-top.test.ts checks that
  the two agree below the top of the address space, and test/concurrency/exploration-figures.test.ts
  explores the bug against all six actors that expose the others.

    Scenario Outline: pgtable_range_aligned and the copy comparing end > ceiling, on <case>
      When pgtable_range_aligned, and a copy comparing end > ceiling, are asked about <start> to <end> with floor <floor>, ceiling <ceiling> and mask <mask>
      Then the kernel says <kernel> and the copy <copy>

      Examples: where they differ
        | case                   | start              | end                | floor              | ceiling            | mask               | kernel         | copy           |
        | a ceiling of 0         | 0xffffffffffe00000 | 0xffffffffffe01000 | 0xfffffdffffe00000 | 0x0000000000000000 | 0xffffffffc0000000 | eligible       | beyond-ceiling |
        | a range ending at 2^64 | 0xffffffffc0000000 | 0x0000000000000000 | 0xffffff8000000000 | 0xffffffffffe00000 | 0xffffff8000000000 | beyond-ceiling | eligible       |

    Scenario Outline: end > ceiling against <actor>
      Given the <state> on 4K/48
      When every interleaving of hot-remove and <actor> is explored under the policy v5.7 comparing end > ceiling
      Then the explorer finds no violation
      And the explorer's counts are those of v5.7

      Examples: the actors that expose the other bugs
        | state             | actor                                              | why                     |
        | constructed state | vmalloc at the top of the vmalloc space            | the floor still refuses |
        | constructed state | ptdump_check_wx of the addresses above VMEMMAP_END | VMEMMAP_END is not 0    |
