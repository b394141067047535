@hot-remove
Feature: An unusual range: two sections on either side of a linear-map PGD boundary, on 16K/47
  Written from the step glossary alone (features/GLOSSARY.md), with no new step code: the README's
  "Adding a scenario" walks through how. No other feature hot-adds two sections one at a time, on
  either side of a boundary, or uses these addresses.

  On 16K/47 a PGD entry maps 64G and a PTE table maps 32M. With boot memory at 0x40000000 the linear
  map of physical x sits at PAGE_OFFSET + (x − 0x40000000), so the section at 0x1000000000 is the
  last of PGD entry 0 and the section at 0x1040000000 opens PGD entry 1, under a PMD table of its
  own. Their struct pages are 4M each (256 pages of 64 bytes per 16K page, mapped one PTE at a time);
  those of the upper section straddle a PTE table boundary, half in a table both sections use, half
  in a table only the upper one uses.

  With floor and ceiling = the enclosing region (v5.7) removing the upper section frees every table
  it alone used; with floor and ceiling = the section itself, the two tables that reach past it stay
  behind, mapping nothing. Removing the lower section frees only its own PTE tables under either
  policy: every table above them is shared with boot memory or with the other section.

  Background:
    Given a kernel booted with the configuration 16K/47 and 256M of boot memory
    And the section at 0x1000000000 is hot-added
    And the section at 0x1040000000 is hot-added

  Rule: Removing the section that opens a PGD entry frees its own tables only when floor and ceiling are the region

    Scenario Outline: the upper section, policy <policy>
      When the section at 0x1040000000 is hot-removed with the policy <policy>
      Then <freed> tables were freed
      And the tables left behind, mapping nothing, are <left>
      And the PMD table mapping physical 0x1040000000 is <its linear PMD table>
      And the PTE table at 0xffffffc010000000 is <its own struct-page table>
      And the PTE table at 0xffffffc00e000000 is kept: <the shared struct-page table>

      Examples: the thread's two choices of floor and ceiling
        | policy | freed | left         | its linear PMD table                         | its own struct-page table                    | the shared struct-page table          | why                     |
        | v5.7   | 34    | none         | freed                                        | freed                                        | entries left (256 live)               | the enclosing region    |
        | range  | 32    | 1 PMD, 1 PTE | kept: outside floor/ceiling (beyond-ceiling) | kept: outside floor/ceiling (beyond-ceiling) | outside floor/ceiling (below-floor)   | floor = the section     |

  Rule: Removing the section below the boundary frees only its PTE tables, whatever the policy

    Scenario Outline: the lower section, policy <policy>
      When the section at 0x1000000000 is hot-removed with the policy <policy>
      Then 32 tables were freed
      And the tables left behind, mapping nothing, are none
      And the PMD table mapping physical 0x1000000000 is kept: <its linear PMD table>
      And pass 2 did not visit the PTE table at 0xffffffc010000000

      Examples: the thread's two choices of floor and ceiling
        | policy | its linear PMD table                | why                                  |
        | v5.7   | entries left (8 live)               | boot memory's linear map shares it   |
        | range  | outside floor/ceiling (below-floor) | it maps 64G, the section only 1G     |
