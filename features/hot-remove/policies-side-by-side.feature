@hot-remove
Feature: The freeing policies of the thread side by side
  The same sequence under each way of deciding which table pages to free: a section is hot-added in
  the middle of the linear map's reach, where every table it needs is fresh (its linear map under an
  unused PGD entry, its struct pages 2M short of a large boundary); the CPU then walks to the
  section's first page and to its first struct page, so that the walk cache holds a pointer to every
  table on both ways; then the section is hot-removed, step by step, and after every step the model
  counts the cached table pointers that name a page no longer holding a table.

  The policies (src/hotplug/policy.ts):
  - v5.7: floor and ceiling = the enclosing region, then the all-none scan — what was merged.
  - range: floor and ceiling = the removed range itself — the thread's first proposal.
  - empty-only: no floor or ceiling, the all-none scan alone — the approach the thread rejected,
    because it races with vmalloc on a shared table.
  - v7: empty-only, but no table freeing at all in vmemmap where vmalloc shares its PGD entry.
  - x86: what x86's remove_pagetable did then, on arm64's tables: one pass, each table decided by the
    all-none scan right after its own entries, no floor or ceiling, and no PUD table freed (4-level x86
    left free_pud_table to 5-level paging); every page — struct pages and table pages alike — freed
    before the entry that maps it is cleared; flush_tlb_all after each PTE table's leaves and once at
    the end, and nothing in between.
  - never: pass 2 frees nothing.

  The linear map is block-mapped (rodata_full off): stepping through a page-mapped section costs a
  step per page, and its PTE tables — inside the section, freed by every policy but `never` — would
  only add the same number to every freeing row.

  What the model says about the walk cache: with every policy that invalidates before freeing, no
  cached pointer ever names a freed table. Under x86 a freed PTE table was already dropped from the
  cache by the flush after its leaves, so only a table freed with no PTE table flushed before it —
  a PMD table above blocks, on 4K — stays cached until the final flush. The stale-walk column counts
  them at the worst step; after the flush none is left. Under x86 on 4K/48 the PUD tables stay, so it
  leaves three tables behind where v5.7 leaves none.

  The rows below are 4K/48, where the policies differ most. Here empty-only frees what v5.7 frees and
  never keeps what range keeps: emptiness alone goes wrong only where vmalloc races for a shared table
  (concurrency/policies-and-races.feature). test/hotplug/policies-side-by-side.test.ts runs every
  policy on every configuration.

  Rule: The policies differ in the tables they free, the tables they leave behind, and the stale walks they allow

    Scenario Outline: <policy> on <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      When the section at <section> is hot-added
      And the CPU has walked to the first page of the section at <section> and to its struct page
      And the section at <section> is hot-removed with the policy <policy>, step by step
      Then <freed> tables were freed
      And <left> tables were left behind, mapping nothing
      And at worst <stale at worst> cached walks pointed at a freed table during the hot-remove, and <stale after> after it

      Examples: 4K/48 — four levels, vmalloc shares a PUD table with vmemmap
        | config | section        | policy | freed | left | stale at worst | stale after | why                                                                |
        | 4K/48  | 0x400040000000 | v5.7   | 5     | 0    | 0              | 0           | the enclosing region frees every fresh table                       |
        | 4K/48  | 0x400040000000 | range  | 0     | 5    | 0              | 0           | floor = the section: every table spans past it                     |
        | 4K/48  | 0x400040000000 | v7     | 1     | 4    | 0              | 0           | V7's flag keeps every vmemmap table                                |
        | 4K/48  | 0x400040000000 | x86    | 2     | 3    | 1              | 0           | no PUD table freed; a PMD table over blocks freed before any flush |
