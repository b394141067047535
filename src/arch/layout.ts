import { type Kva, toKva, ttbr1Base } from './address';
import { type EraName, era as eraNamed } from './era';
import { type Geometry, geometry, geometryOptions } from './geometry';

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
  /**
   * PAGE_OFFSET and VMEMMAP_START as the kernel's constants: the floors of __remove_pgd_mapping and
   * vmemmap_free. A 52-bit kernel that fell back to fewer bits keeps their 52-bit values: PAGE_OFFSET
   * below the TTBR1 half it runs in (a negative model address), VMEMMAP_START far below the struct
   * pages it uses and below VMALLOC_END; otherwise they equal pageOffset and vmemmapStart.
   */
  readonly pageOffsetConst: Kva;
  readonly vmemmapStartConst: Kva;
  /** Regions bottom to top. */
  readonly regions: readonly Region[];
}

export interface LayoutOptions {
  /** Generic KASAN with the Kconfig default shadow offset of the era. */
  readonly kasan?: boolean;
  /** Name of an era (default: the geometry's); another era than the geometry's rebuilds it in that era. */
  readonly era?: string;
}

/** An era computes the layout from the geometry with that era's kernel formulas. */
export type LayoutEra = (geo: Geometry, kasan: boolean) => Omit<Layout, 'era' | 'geo' | 'kasan'>;

const U64 = 1n << 64n;
const SZ_2M = 1n << 21n;
const SZ_16M = 1n << 24n;
const SZ_64K = 1n << 16n;
const SZ_128M = 1n << 27n;
const SZ_8M = 1n << 23n;
const SZ_32M = 1n << 25n;
const SZ_256M = 1n << 28n;
const SZ_1G = 1n << 30n;
const SZ_2G = 1n << 31n;
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

/** CONFIG_KASAN_SHADOW_OFFSET defaults for generic KASAN from v5.11 on, by VA_BITS_MIN (6.12: 16K/52 uses 47's). */
const KASAN_SHADOW_OFFSET_V511: Record<number, bigint> = {
  36: 0xdffffff800000000n,
  39: 0xdfffffc000000000n,
  42: 0xdffffe0000000000n,
  47: 0xdfffc00000000000n,
  48: 0xdfff800000000000n,
};

/**
 * Permanent fixmap slots (enum fixed_addresses up to __end_of_permanent_fixed_addresses): the FDT
 * window down from FIXADDR_TOP to FIX_FDT (the hole included), then six single pages (earlycon, text
 * poke, APEI GHES and entry-trampoline slots of the configuration the kernel's memory.rst tables were
 * made on).
 */
function fixmapBytes(geo: Geometry): bigint {
  const pageSize = geo.pageSize;
  return BigInt(eraNamed(geo.era).fdtWindow(pageSize) + (1 + 6) * pageSize);
}

const regionOfKernel =
  (geo: Geometry) =>
  (key: RegionKey, name: string, start: bigint, end: bigint): Region => ({
    key,
    name,
    start: toKva(geo, start),
    end: toKva(geo, end),
  });

/** v5.7: arch/arm64/include/asm/memory.h and pgtable.h as merged with memory hot-remove. */
const v57: LayoutEra = (geo, kasan) => {
  const va = BigInt(geo.vaBits);
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
  const region = regionOfKernel(geo);
  const regions: Region[] = [region('linear', 'Linear Mapping', pageOffset, pageEnd)];
  if (kasan) regions.push(region('kasan', 'Kasan shadow', kasanStart, kasanEnd));
  regions.push(
    region('bpf-jit', 'BPF JIT region', kasanEnd, bpfEnd),
    region('modules', 'Modules', bpfEnd, modulesEnd),
    region('vmalloc', 'vmalloc()', modulesEnd, vmallocEnd),
    region('fixmap', 'Fixmap', fixaddrTop - fixmapBytes(geo), fixaddrTop),
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
    pageOffsetConst: k(pageOffset),
    vmemmapStartConst: k(vmemmapStart),
    regions,
  };
};

/** The VA bits of a geometry as the later eras' formulas use them. */
interface Bits {
  /** VA_BITS, vabits_actual, VA_BITS_MIN. */
  readonly config: bigint;
  readonly actual: bigint;
  readonly min: bigint;
  readonly pageShift: bigint;
}

const bitsOf = (geo: Geometry): Bits => ({
  config: BigInt(geo.vaBitsConfig),
  actual: BigInt(geo.vaBits),
  min: BigInt(geo.vaBitsMin),
  pageShift: BigInt(geo.pageShift),
});

/**
 * What v5.11 on share: the linear map from PAGE_OFFSET to PAGE_END (the KASAN shadow's start with
 * KASAN, sized by vabits_actual), modules from _PAGE_END(VA_BITS_MIN), vmemmap sized for
 * [PAGE_OFFSET, _PAGE_END(VA_BITS_MIN)). A kernel running with fewer bits than VA_BITS (the
 * 52-bit fallback) starts its linear map at _PAGE_OFFSET(vabits_actual) and uses vmemmap from the
 * struct page of that address on (arm64_memblock_init moves memstart_addr down by the difference):
 * the model's regions are those the running kernel can reach.
 */
function linearAndModules(geo: Geometry, kasan: boolean, modulesSize: bigint) {
  const b = bitsOf(geo);
  const pageOffset = neg(1n << b.config);
  const linearStart = neg(1n << b.actual);
  const pageEndMin = neg(1n << (b.min - 1n));
  const kasanEnd = (1n << (64n - KASAN_SHADOW_SCALE_SHIFT)) + (KASAN_SHADOW_OFFSET_V511[geo.vaBitsMin] ?? 0n);
  const kasanStart = kasanEnd - (1n << (b.actual - KASAN_SHADOW_SCALE_SHIFT));
  const vmemmapSize = ((pageEndMin - pageOffset) >> b.pageShift) * 64n;
  /** Bytes of vmemmap below the struct page of _PAGE_OFFSET(vabits_actual): unused by a fallback. */
  const vmemmapUnused = ((linearStart - pageOffset) >> b.pageShift) * 64n;
  const region = regionOfKernel(geo);
  /** A constant of the build's VA_BITS as a model address, negative when below the running TTBR1 half. */
  const constant = (v: bigint): Kva => Number(v - ttbr1Base(geo));
  const regions: Region[] = [region('linear', 'Linear Mapping', linearStart, kasan ? kasanStart : pageEndMin)];
  if (kasan) regions.push(region('kasan', 'Kasan shadow', kasanStart, kasanEnd));
  regions.push(region('modules', 'Modules', pageEndMin, pageEndMin + modulesSize));
  const modulesEnd = pageEndMin + modulesSize;
  const k = (v: bigint): Kva => toKva(geo, v);
  /** The layout from what the era places after the modules; vmalloc starts where they end. */
  const laidOut = (e: { vmallocEnd: bigint; vmemmapStart: bigint; vmemmapEnd: bigint; fixaddrTop: bigint }) => ({
    pageOffset: k(linearStart),
    pageEnd: k(kasan ? kasanStart : pageEndMin),
    vmallocStart: k(modulesEnd),
    vmallocEnd: k(e.vmallocEnd),
    vmemmapStart: k(e.vmemmapStart + vmemmapUnused),
    vmemmapEnd: k(e.vmemmapEnd),
    fixaddrTop: k(e.fixaddrTop),
    pageOffsetConst: constant(pageOffset),
    vmemmapStartConst: constant(e.vmemmapStart),
    regions,
  });
  return { modulesEnd, vmemmapSize, vmemmapUnused, regions, region, laidOut };
}

/** v5.11 to v6.8 (f4693c2716b3, 8c96400d6a39, 9ad7c6d5e75b), BPF region gone (b89ddf4cca43): Linux 6.1's memory.h and pgtable.h. */
const v61: LayoutEra = (geo, kasan) => {
  const { modulesEnd, vmemmapSize, vmemmapUnused, regions, region, laidOut } = linearAndModules(geo, kasan, SZ_128M);
  const vmemmapStart = neg(1n << (BigInt(geo.vaBitsConfig) - BigInt(geo.pageShift - 6)));
  const vmemmapEnd = vmemmapStart + vmemmapSize;
  const pciIoEnd = vmemmapStart - SZ_8M;
  const fixaddrTop = vmemmapStart - SZ_32M;
  const vmallocEnd = vmemmapStart - SZ_256M;
  regions.push(
    region('vmalloc', 'vmalloc()', modulesEnd, vmallocEnd),
    region('fixmap', 'Fixmap', fixaddrTop - fixmapBytes(geo), fixaddrTop),
    region('pci-io', 'PCI I/O', pciIoEnd - SZ_16M, pciIoEnd),
    region('vmemmap', 'vmemmap', vmemmapStart + vmemmapUnused, vmemmapEnd),
  );
  return laidOut({ vmallocEnd, vmemmapStart, vmemmapEnd, fixaddrTop });
};

/**
 * v6.9 on (32697ff38287, 031e011d8b22, b730b0f2b1fc): vmemmap ends at −1 GiB, PCI I/O and the fixmap
 * above it, 2 GiB of modules; with the 52-bit fallback vmalloc reaches into vmemmap's unused part.
 * Linux 6.12's memory.h and pgtable.h.
 */
const v612: LayoutEra = (geo, kasan) => {
  const { modulesEnd, vmemmapSize, vmemmapUnused, regions, region, laidOut } = linearAndModules(geo, kasan, SZ_2G);
  const vmemmapEnd = neg(SZ_1G);
  const vmemmapStart = vmemmapEnd - vmemmapSize;
  const pciIoStart = vmemmapEnd + SZ_8M;
  const fixaddrTop = neg(SZ_8M);
  const vmallocEnd = vmemmapStart + vmemmapUnused - SZ_8M;
  regions.push(
    region('vmalloc', 'vmalloc()', modulesEnd, vmallocEnd),
    region('vmemmap', 'vmemmap', vmemmapStart + vmemmapUnused, vmemmapEnd),
    region('pci-io', 'PCI I/O', pciIoStart, pciIoStart + SZ_16M),
    region('fixmap', 'Fixmap', fixaddrTop - fixmapBytes(geo), fixaddrTop),
  );
  return laidOut({ vmallocEnd, vmemmapStart, vmemmapEnd, fixaddrTop });
};

/** Layout formulas by era: the one function each era supplies; users of `Layout` do not change. */
export const LAYOUT_ERAS: Readonly<Record<EraName, LayoutEra>> = { 'v5.7': v57, 'v6.1': v61, 'v6.12': v612 };

/** The kernel VA layout of a configuration in the geometry's era, or in another one named. */
export function layout(geo: Geometry, options: LayoutOptions = {}): Layout {
  const e = eraNamed(options.era ?? geo.era);
  const g = e.name === geo.era ? geo : geometry(geo.name, { ...geometryOptions(geo), era: e.name });
  const kasan = options.kasan ?? false;
  return { era: e.name, geo: g, kasan, ...LAYOUT_ERAS[e.name](g, kasan) };
}

/** The region a model address falls in, if any. */
export function regionOf(lay: Layout, kva: Kva): Region | undefined {
  return lay.regions.find((r) => kva >= r.start && kva < r.end);
}
