import type { Kva } from './address';
import type { Layout, RegionKey } from './layout';

/** The kernel's names for the boundaries of the VA layout (memory.h, pgtable.h, fixmap.h, kasan.h). */
export const LAYOUT_SYMBOLS = [
  'PAGE_OFFSET',
  'PAGE_END',
  'KASAN_SHADOW_START',
  'KASAN_SHADOW_END',
  'BPF_JIT_REGION_START',
  'BPF_JIT_REGION_END',
  'MODULES_VADDR',
  'MODULES_END',
  'VMALLOC_START',
  'VMALLOC_END',
  'FIXADDR_START',
  'FIXADDR_TOP',
  'PCI_IO_START',
  'PCI_IO_END',
  'VMEMMAP_START',
  'VMEMMAP_END',
] as const;
export type LayoutSymbol = (typeof LAYOUT_SYMBOLS)[number];

/** Which region each symbol bounds, and which end of it. */
const BOUNDS: Record<LayoutSymbol, readonly [RegionKey, 'start' | 'end']> = {
  PAGE_OFFSET: ['linear', 'start'],
  PAGE_END: ['linear', 'end'],
  KASAN_SHADOW_START: ['kasan', 'start'],
  KASAN_SHADOW_END: ['kasan', 'end'],
  BPF_JIT_REGION_START: ['bpf-jit', 'start'],
  BPF_JIT_REGION_END: ['bpf-jit', 'end'],
  MODULES_VADDR: ['modules', 'start'],
  MODULES_END: ['modules', 'end'],
  VMALLOC_START: ['vmalloc', 'start'],
  VMALLOC_END: ['vmalloc', 'end'],
  FIXADDR_START: ['fixmap', 'start'],
  FIXADDR_TOP: ['fixmap', 'end'],
  PCI_IO_START: ['pci-io', 'start'],
  PCI_IO_END: ['pci-io', 'end'],
  VMEMMAP_START: ['vmemmap', 'start'],
  VMEMMAP_END: ['vmemmap', 'end'],
};

/**
 * Every layout symbol as a model address, read off the layout's regions; `undefined` where the
 * configuration has no such region (the KASAN shadow without generic KASAN).
 */
export function layoutSymbols(lay: Layout): Readonly<Record<LayoutSymbol, Kva | undefined>> {
  const out = {} as Record<LayoutSymbol, Kva | undefined>;
  for (const name of LAYOUT_SYMBOLS) {
    const [key, edge] = BOUNDS[name];
    out[name] = lay.regions.find((r) => r.key === key)?.[edge];
  }
  return out;
}
