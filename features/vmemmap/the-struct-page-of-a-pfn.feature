@vmemmap
Feature: The struct page of a page frame lives at a fixed place in vmemmap
  With SPARSEMEM_VMEMMAP the array of struct pages is virtually contiguous: the struct page of pfn
  sits at VMEMMAP_START + (pfn − PHYS_OFFSET / PAGE_SIZE) × 64, sizeof(struct page) being 64 bytes.
  Only the parts that describe present memory are mapped — boot memory at boot, a section's share
  when it is hot-added (vmemmap_populate) — and hot-remove unmaps a section's share again
  (vmemmap_free), freeing what it can of the tables under it.

  VMEMMAP_SIZE is (PAGE_END of VA_BITS_MIN − PAGE_OFFSET) >> (PAGE_SHIFT − 6) and VMEMMAP_START is
  2M + VMEMMAP_SIZE below the top: 4K/48 has 2^47 >> 6 = 2T of vmemmap starting at
  0xfffffdffffe00000; 16K/36 only 2^35 >> 8 = 128M, starting at 0xfffffffff7e00000. Physical
  0x40000000 is PHYS_OFFSET, so its struct page is at VMEMMAP_START; physical 0x140000000 is 4G above
  it, 4G / PAGE_SIZE pages × 64 bytes further: 64M with 4K pages, 16M with 16K, 4M with 64K.
  test/mappings/vmemmap.test.ts checks both on all eight configurations.

  Rule: The struct page of pfn is at VMEMMAP_START + (pfn − PHYS_OFFSET / PAGE_SIZE) × 64, mapped only where memory is present

    Scenario Outline: struct pages of <config>
      Given a kernel booted with the configuration <config> with rodata_full off
      Then the struct page of the page at physical 0x40000000 is at <first>
      And the struct page of the page at physical 0x140000000 is at <above>
      And the address <first> is mapped
      And the address <above> is not mapped

      Examples: the first page of boot memory, and one 4G above it where no memory is
        | config | first              | above              | why                       |
        | 4K/48  | 0xfffffdffffe00000 | 0xfffffe0003e00000 | 2T of vmemmap, +64M       |
        | 16K/36 | 0xfffffffff7e00000 | 0xfffffffff8e00000 | 128M of vmemmap, +16M     |
        | 64K/52 | 0xfffffc1fffe00000 | 0xfffffc2000200000 | 4T − 128G of vmemmap, +4M |
