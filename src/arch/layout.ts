import { ConfigError } from '../errors';
import { type Kva, toKva } from './address';
import type { Geometry } from './geometry';

/** One named region of the kernel VA space, [start, end) in model addresses. */
export interface Region {
  readonly key: RegionKey;
  /** The name ptdump prints between its `---[ … ]---` markers. */
  readonly name: string;
  readonly start: Kva;
  readonly end: Kva;
}

export type RegionKey = 'linear' | 'kasan' | 'bpf-jit' | 'modules' | 'vmalloc' | 'fixmap' | 'pci-io' | 'vmemmap';

/**
 * The kernel VA layout of one configuration in one era. Everything that uses the layout reads these
 * fields; an era only supplies the function that computes them.
 */
export interface Layout {
  readonly era: string;
  readonly geo: Geometry;
  readonly kasan: boolean;
  /** PAGE_OFFSET and PAGE_END: the linear map. */
  readonly pageOffset: Kva;
  readonly pageEnd: Kva;
  readonly vmallocStart: Kva;
  readonly vmallocEnd: Kva;
  /** VMEMMAP_START, VMEMMAP_END (= start + VMEMMAP_SIZE). */
  readonly vmemmapStart: Kva;
  readonly vmemmapEnd: Kva;
  readonly fixaddrTop: Kva;
  /** Regions bottom to top. */
  readonly regions: readonly Region[];
}

export interface LayoutOptions {
  /** Generic KASAN with the Kconfig default shadow offset of the era. */
  readonly kasan?: boolean;
  /** Name of an era in `LAYOUT_ERAS` (default `v5.7`). */
  readonly era?: string;
}

/** An era computes the layout from the geometry with that era's kernel formulas. */
export type LayoutEra = (geo: Geometry, kasan: boolean) => Omit<Layout, 'era' | 'geo' | 'kasan'>;

const U64 = 1n << 64n;
const SZ_2M = 1n << 21n;
const SZ_16M = 1n << 24n;
const SZ_64K = 1n << 16n;
const SZ_128M = 1n << 27n;
/** Negative constants as the kernel writes them: −x is 2^64 − x. */
const neg = (x: bigint): bigint => U64 - x;

/** CONFIG_KASAN_SHADOW_OFFSET defaults for generic KASAN (arch/arm64/Kconfig of that era; 52 uses 48's). */
const KASAN_SHADOW_OFFSET: Record<number, bigint> = {
  36: 0xdffffffa00000000n,
  39: 0xdfffffd000000000n,
  42: 0xdffffe8000000000n,
  47: 0xdfffd00000000000n,
  48: 0xdfffa00000000000n,
  52: 0xdfffa00000000000n,
};
const KASAN_SHADOW_SCALE_SHIFT = 3n;

/**
 * Permanent fixmap slots (enum fixed_addresses up to __end_of_permanent_fixed_addresses): the hole,
 * the FDT window (MAX_FDT_SIZE + 2 MiB = 4 MiB), then six single pages (earlycon, text poke, APEI
 * GHES and entry-trampoline slots of the configuration the kernel's memory.rst tables were made on).
 */
function fixmapBytes(pageSize: bigint): bigint {
  return pageSize * (1n + (1n << 22n) / pageSize + 6n);
}

/** v5.7: arch/arm64/include/asm/memory.h and pgtable.h as merged with memory hot-remove. */
const v57: LayoutEra = (geo, kasan) => {
  const va = BigInt(geo.vaBits);
  const pageSize = BigInt(geo.pageSize);
  const k = (v: bigint): Kva => toKva(geo, v);
  const pageOffset = neg(1n << va);
  const pageEnd = neg(1n << (va - 1n));
  const pageEndMin = neg(1n << BigInt(geo.vaBitsMin - 1));
  const vmemmapSize = (pageEndMin - pageOffset) >> BigInt(geo.pageShift - 6);
  const kasanEnd = kasan
    ? (1n << (64n - KASAN_SHADOW_SCALE_SHIFT)) + (KASAN_SHADOW_OFFSET[geo.vaBits] ?? 0n)
    : pageEndMin;
  const kasanStart = kasanEnd - (1n << (va - KASAN_SHADOW_SCALE_SHIFT));
  const bpfEnd = kasanEnd + SZ_128M;
  const modulesEnd = bpfEnd + SZ_128M;
  const pudSize = 1n << BigInt(geo.shiftOf.PUD);
  const vmallocEnd = neg(pudSize + vmemmapSize + SZ_64K);
  const vmemmapStart = neg(vmemmapSize + SZ_2M);
  const pciIoEnd = vmemmapStart - SZ_2M;
  const pciIoStart = pciIoEnd - SZ_16M;
  const fixaddrTop = pciIoStart - SZ_2M;
  const region = (key: RegionKey, name: string, start: bigint, end: bigint): Region => ({
    key,
    name,
    start: k(start),
    end: k(end),
  });
  const regions: Region[] = [region('linear', 'Linear Mapping', pageOffset, pageEnd)];
  if (kasan) regions.push(region('kasan', 'Kasan shadow', kasanStart, kasanEnd));
  regions.push(
    region('bpf-jit', 'BPF JIT region', kasanEnd, bpfEnd),
    region('modules', 'Modules', bpfEnd, modulesEnd),
    region('vmalloc', 'vmalloc()', modulesEnd, vmallocEnd),
    region('fixmap', 'Fixmap', fixaddrTop - fixmapBytes(pageSize), fixaddrTop),
    region('pci-io', 'PCI I/O', pciIoStart, pciIoEnd),
    region('vmemmap', 'vmemmap', vmemmapStart, vmemmapStart + vmemmapSize),
  );
  return {
    pageOffset: k(pageOffset),
    pageEnd: k(pageEnd),
    vmallocStart: k(modulesEnd),
    vmallocEnd: k(vmallocEnd),
    vmemmapStart: k(vmemmapStart),
    vmemmapEnd: k(vmemmapStart + vmemmapSize),
    fixaddrTop: k(fixaddrTop),
    regions,
  };
};

/** Layout eras by name. A later era (v5.11, v6.9) is one more entry here; users of `Layout` do not change. */
export const LAYOUT_ERAS: Readonly<Record<string, LayoutEra>> = { 'v5.7': v57 };

/** The kernel VA layout of a configuration. */
export function layout(geo: Geometry, options: LayoutOptions = {}): Layout {
  const era = options.era ?? 'v5.7';
  const compute = Object.hasOwn(LAYOUT_ERAS, era) ? LAYOUT_ERAS[era] : undefined;
  if (!compute) {
    throw new ConfigError(
      'the layout era must be one the model knows',
      { era },
      `known: ${Object.keys(LAYOUT_ERAS).join(', ')}`,
    );
  }
  const kasan = options.kasan ?? false;
  return { era, geo, kasan, ...compute(geo, kasan) };
}

/** The region a model address falls in, if any. */
export function regionOf(lay: Layout, kva: Kva): Region | undefined {
  return lay.regions.find((r) => kva >= r.start && kva < r.end);
}
