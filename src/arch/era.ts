import { ConfigError } from '../errors';

/*
 * An era is the kernel the model stands for: one data object per era, read from that kernel's
 * arch/arm64 sources. The layout formulas that differ live with the layout (LAYOUT_ERAS); every other
 * module reads the numbers below through the geometry or the layout and never asks which era it is.
 */

/** Every configuration some era builds, as "granule/VA bits". */
export const ALL_CONFIGS = [
  '4K/39',
  '4K/48',
  '4K/52',
  '16K/36',
  '16K/47',
  '16K/48',
  '16K/52',
  '64K/42',
  '64K/48',
  '64K/52',
] as const;
export type ConfigName = (typeof ALL_CONFIGS)[number];

export const ERA_NAMES = ['v5.7', 'v6.1', 'v6.12'] as const;
export type EraName = (typeof ERA_NAMES)[number];

export interface Era {
  readonly name: EraName;
  /** Where its values were read. */
  readonly sources: string;
  /** The configurations arch/arm64/Kconfig of that kernel offers (page size × ARM64_VA_BITS_*). */
  readonly configs: readonly ConfigName[];
  /** SECTION_SIZE_BITS by granule in KiB (asm/sparsemem.h): the memory-block size on arm64. */
  readonly sectionBits: Readonly<Record<4 | 16 | 64, number>>;
  /** TEXT_OFFSET (arch/arm64/Makefile): the image's offset above KIMAGE_VADDR and above a 2 MiB boundary. */
  readonly textOffset: number;
  /** VA_BITS_MIN of a 52-bit configuration by granule: the vabits_actual of its run-time fallback. */
  readonly vaBitsMin52: Readonly<Record<4 | 16 | 64, number>>;
  /** Whether the model runs this era's 52-bit configurations on a CPU without 52-bit VA (the fallback). */
  readonly fallback52: boolean;
  /** Bytes from FIXADDR_TOP down to FIX_FDT: the device-tree window's top slots of the fixmap. */
  fdtWindow(pageSize: number): number;
}

const MiB = 2 ** 20;
const CLASSIC: readonly ConfigName[] = ['4K/39', '4K/48', '16K/36', '16K/47', '16K/48', '64K/42', '64K/48', '64K/52'];

/** The era the model was built for: the kernel that merged memory hot-remove. */
const V5_7: Era = {
  name: 'v5.7',
  sources: 'Linux v5.7 (arch/arm64 as merged with memory hot-remove, bbd6ec605c0f)',
  configs: CLASSIC,
  sectionBits: { 4: 30, 16: 30, 64: 30 },
  textOffset: 512 * 2 ** 10,
  vaBitsMin52: { 4: 48, 16: 48, 64: 48 },
  fallback52: false,
  // FIX_FDT_SIZE = MAX_FDT_SIZE + 2 MiB
  fdtWindow: () => 4 * MiB,
};

/** Debian 12's kernel: TEXT_OFFSET gone (v5.8), 128 MiB sections (v5.12), the v5.11 layout without BPF (v5.17). */
const V6_1: Era = {
  name: 'v6.1',
  sources: 'Debian linux-source-6.1 (6.1.192)',
  configs: CLASSIC,
  sectionBits: { 4: 27, 16: 27, 64: 29 },
  textOffset: 0,
  vaBitsMin52: { 4: 48, 16: 48, 64: 48 },
  fallback52: true,
  fdtWindow: () => 4 * MiB,
};

/** The v6.9 layout (vmemmap below −1 GiB, 2 GiB modules) and 52-bit VA on 4K and 16K pages with LPA2. */
const V6_12: Era = {
  name: 'v6.12',
  sources: 'Debian linux-source-6.12 (6.12.118)',
  configs: ALL_CONFIGS,
  sectionBits: { 4: 27, 16: 27, 64: 29 },
  textOffset: 0,
  vaBitsMin52: { 4: 48, 16: 47, 64: 48 },
  fallback52: true,
  // FIX_FDT = FIX_FDT_END + DIV_ROUND_UP(MAX_FDT_SIZE, PAGE_SIZE) + 1
  fdtWindow: (pageSize) => 2 * MiB + 2 * pageSize,
};

export const ERAS: Readonly<Record<EraName, Era>> = { 'v5.7': V5_7, 'v6.1': V6_1, 'v6.12': V6_12 };

/** The era of a name; an unknown name is refused, naming the known ones. */
export function era(name: string): Era {
  if (!Object.hasOwn(ERAS, name)) {
    throw new ConfigError(
      'the layout era must be one the model knows',
      { era: name },
      `known: ${ERA_NAMES.join(', ')}`,
    );
  }
  return ERAS[name as EraName];
}
