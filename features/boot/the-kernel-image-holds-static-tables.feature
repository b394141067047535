@boot
Feature: The kernel image holds swapper_pg_dir and the fixmap's tables
  Some page tables are not allocated at all: they are arrays inside the kernel image. swapper_pg_dir
  is the PGD of init_mm; bm_pud, bm_pmd and bm_pte are the tables early_fixmap_init hangs under
  FIXADDR_START so the fixmap works before any allocator does. Which of them exist depends on the
  levels: bm_pud only with 4 levels, bm_pmd with 3 or more, bm_pte always — a folded level has no
  table of its own. On 16K/48 the kernel image and the fixmap share one of only two PGD entries;
  map_kernel has already allocated a PUD table there, so the fixmap reuses it and bm_pud stays
  unused. None of these pages can ever be freed, and the tables under FIXADDR_START also map the
  first vmemmap block on 4K/48: a pin that keeps the PUD table shared by vmalloc and vmemmap alive.
  (The identity map and trampoline tables are also in the image but not in init_mm's tree.)

  Rule: The static tables are swapper_pg_dir and a fixmap table for each level below the PGD, unless map_kernel already put a table there

    Scenario Outline: static tables of <config>
      Given a kernel booted with the configuration <config>
      Then the static tables of the kernel image are "<static tables>"
      And the walk to FIXADDR_START passes through "<walk>"
      And every static table is a reserved page of the kernel image

      Examples: each level folded or taken (test/mappings/kernel.test.ts: all eight)
        | config | static tables                          | walk                                         | why                                      |
        | 4K/39  | swapper_pg_dir, bm_pmd, bm_pte         | swapper_pg_dir → bm_pmd → bm_pte             | PUD folded: no bm_pud                    |
        | 4K/48  | swapper_pg_dir, bm_pud, bm_pmd, bm_pte | swapper_pg_dir → bm_pud → bm_pmd → bm_pte    | all four levels                          |
        | 16K/36 | swapper_pg_dir, bm_pte                 | swapper_pg_dir → bm_pte                      | PUD and PMD folded                       |
        | 16K/48 | swapper_pg_dir, bm_pmd, bm_pte         | swapper_pg_dir → PUD table → bm_pmd → bm_pte | PGD[1] already has the image's PUD table |
