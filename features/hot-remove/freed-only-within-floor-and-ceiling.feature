@hot-remove
Feature: A table page is freed only if its whole span lies within floor and ceiling, and every entry is none
  free_empty_tables, the second pass of hot-remove, visits every table under the removed range,
  children first, and asks two questions of each. First pgtable_range_aligned: does the whole span the
  table maps lie inside [floor, ceiling)? It answers in unsigned 64-bit arithmetic, borrowed from
  free_pgd_range: the start is rounded down to the table's span and compared with the floor; a
  ceiling of 0 means the top of the address space; any other ceiling is rounded down to the span, and
  one that rounds down to 0 rejects the table. Only a table that passes is then scanned, and it is
  freed only if all its entries are none. The review thread made the first question the one that
  keeps hot-remove away from tables other code may be using: it is answered from addresses alone,
  before any entry is read.

  Rule: pgtable_range_aligned accepts a table only if its span, rounded out by the mask, lies in [floor, ceiling)

  The masks are those of 4K/48 (PMD_MASK for a 2M PTE table, PUD_MASK for a 1G PMD table,
  PGDIR_MASK for a 512G PUD table) and of 64K (PMD_MASK for a 512M PTE table). The range is the part
  of the removed range that lies under the table. test/hotplug/range-aligned.test.ts checks these
  and the other edges (a ceiling that rounds down to 0, a span ending exactly at the floor or the
  ceiling) against the statement of the rule, and random calls by the thousand.

    Scenario Outline: pgtable_range_aligned on a range
      When pgtable_range_aligned is asked about <start> to <end> with floor <floor>, ceiling <ceiling> and mask <mask>
      Then the table is <verdict>

      Examples: one verdict each
        | start              | end                | floor              | ceiling            | mask               | verdict        | why                                       |
        | 0xffff000200001000 | 0xffff000200002000 | 0xffff000000000000 | 0xffff800000000000 | 0xffffffffffe00000 | eligible       | one page: the span, not the range, counts |
        | 0xffffffffc0000000 | 0x0000000000000000 | 0xffffff8000000000 | 0x0000000000000000 | 0xffffff8000000000 | eligible       | ceiling 0 is the top; end wraps to 0      |
        | 0xffffffffc0000000 | 0xffffffffffe00000 | 0xfffffdffffe00000 | 0xffffffffffe00000 | 0xffffffffc0000000 | beyond-ceiling | the top PMD table of vmemmap, VMEMMAP_END |
        | 0xfffffdffffe00000 | 0xfffffe0000000000 | 0xfffffdffffe00000 | 0xffffffffffe00000 | 0xffffffffc0000000 | below-floor    | the PMD table holding VMEMMAP_START       |

  Rule: A table inside floor and ceiling is freed only if every entry is none, and one outside is kept before its entries are read

  Two PTE tables' worth of the linear map is page-mapped at 0x200000000, then torn down from its
  second page to the end: the second table loses every entry, the first keeps the page below the
  start. With floor and ceiling = the removed range (the policy `range`), the first table's span
  starts below the floor, so it is kept without a scan. With the enclosing region (`v5.7`), it is
  eligible, scanned, and kept because one entry is left. The second is freed either way.
  test/hotplug/remove.test.ts tears down the same on all eight configurations, under both policies.

    Scenario Outline: two PTE tables on <config>, torn down from their second page
      Given a kernel booted with the configuration <config> with rodata_full off
      And <mapped> of physical memory at 0x200000000 is mapped into the linear map with flags NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS
      When the linear map of <removed> of physical memory at <from> is torn down with the policy <policy>
      Then the PTE table mapping physical 0x200000000 is kept: <first table>
      And the PTE table mapping physical <second> is freed

      Examples: floor and ceiling = the removed range
        | config | mapped | removed  | from        | second      | policy | first table                         | why                         |
        | 4K/48  | 4M     | 4092K    | 0x200001000 | 0x200200000 | range  | outside floor/ceiling (below-floor) | 2M PTE tables               |
        | 64K/42 | 1G     | 1048512K | 0x200010000 | 0x220000000 | range  | outside floor/ceiling (below-floor) | 512M PTE tables, two levels |

      Examples: floor and ceiling = the linear map (v5.7)
        | config | mapped | removed | from        | second      | policy | first table           | why                        |
        | 4K/48  | 4M     | 4092K   | 0x200001000 | 0x200200000 | v5.7   | entries left (1 live) | 2M PTE tables              |
        | 16K/36 | 64M    | 65520K  | 0x200004000 | 0x202000000 | v5.7   | entries left (1 live) | 32M PTE tables, two levels |
