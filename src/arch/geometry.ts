import { ConfigError } from '../errors';

/** Translation granule in KiB. */
export type Granule = 4 | 16 | 64;

/** The kernel's names for the four translation levels (P4D is always folded on arm64 in v5.7). */
export type LevelName = 'PGD' | 'PUD' | 'PMD' | 'PTE';
export type FoldedName = 'P4D' | 'PUD' | 'PMD';

/** One real (not folded) level of the kernel page tables; the same data drives every level's loop. */
export interface Level {
  /** Kernel name: the top level is always PGD, the last always PTE. */
  readonly name: LevelName;
  /** Architectural lookup level, 0..3 (3 = PTE). */
  readonly hw: number;
  /** Position in `Geometry.levels`, 0 = top. */
  readonly depth: number;
  /** log2 of the bytes one entry maps (PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT or PGDIR_SHIFT). */
  readonly shift: number;
  /** Bytes one entry maps. */
  readonly entrySize: number;
  /** Entries in one table page of this level (PTRS_PER_PGD for the top level). */
  readonly entries: number;
  /** Bytes one table page of this level maps (entries × entrySize). */
  readonly tableSpan: number;
  /** Whether an entry may be a block (1 GiB at level 1 with 4K pages; level 2 always). */
  readonly blockAllowed: boolean;
  /** Entries per contiguous-hint run (CONT_PTES at level 3, CONT_PMDS at level 2), else 0. */
  readonly contEntries: number;
}

export interface Geometry {
  /** Configuration name as the features write it, e.g. `4K/48`. */
  readonly name: string;
  readonly granule: Granule;
  readonly pageShift: number;
  readonly pageSize: number;
  readonly vaBits: number;
  /** VA_BITS_MIN: 48 when VA_BITS is 52, else VA_BITS. */
  readonly vaBitsMin: number;
  /** Physical address bits the configuration supports (52 only with 64K pages and 52-bit VA). */
  readonly paBits: number;
  /** CONFIG_PGTABLE_LEVELS. */
  readonly levelCount: number;
  /** Real levels, top first. */
  readonly levels: readonly Level[];
  /** Levels folded into the one above (P4D always; PUD below 4 levels; PMD below 3). */
  readonly folded: readonly FoldedName[];
  /** Descriptors per table page: 2^(PAGE_SHIFT − 3). */
  readonly ptrsPerTable: number;
  /** SECTION_SIZE_BITS of v5.7: 30 (1 GiB), the unit of memory hotplug. */
  readonly sectionShift: number;
  readonly sectionSize: number;
  /** sizeof(struct page): 64 (STRUCT_PAGE_MAX_SHIFT 6). */
  readonly structPageSize: number;
  /** Shift of a level by kernel name; folded levels take the shift of the level above. */
  readonly shiftOf: Readonly<Record<LevelName, number>>;
}

/** The configurations v5.7 builds, as "granule/VA bits". */
export const SUPPORTED_CONFIGS = [
  '4K/39',
  '4K/48',
  '16K/36',
  '16K/47',
  '16K/48',
  '64K/42',
  '64K/48',
  '64K/52',
] as const;
export type ConfigName = (typeof SUPPORTED_CONFIGS)[number];

const SECTION_SIZE_BITS = 30;
const STRUCT_PAGE_MAX_SHIFT = 6;
/** CONT_PTES / CONT_PMDS per granule (arch/arm64/include/asm/pgtable-hwdef.h, v5.7). */
const CONT_RUNS: Record<Granule, { pte: number; pmd: number }> = {
  4: { pte: 16, pmd: 16 },
  16: { pte: 128, pmd: 32 },
  64: { pte: 32, pmd: 32 },
};

/** ARM64_HW_PGTABLE_LEVEL_SHIFT: bits mapped by one entry at architectural level n. */
export function levelShift(pageShift: number, hw: number): number {
  return (pageShift - 3) * (4 - hw) + 3;
}

const cache = new Map<string, Geometry>();

/** Parses and builds a configuration such as `16K/47`; anything v5.7 does not build is refused. */
export function geometry(name: string): Geometry {
  const known = cache.get(name);
  if (known) return known;
  if (!(SUPPORTED_CONFIGS as readonly string[]).includes(name)) {
    throw new ConfigError(
      'the configuration must be one that arm64 v5.7 builds',
      { config: name },
      `supported: ${SUPPORTED_CONFIGS.join(', ')}`,
    );
  }
  const [g, v] = name.split('/');
  const built = build(Number(g?.replace('K', '')) as Granule, Number(v), name);
  cache.set(name, built);
  return built;
}

function build(granule: Granule, vaBits: number, name: string): Geometry {
  const pageShift = Math.log2(granule * 1024);
  const bitsPerLevel = pageShift - 3;
  const levelCount = Math.floor((vaBits - 4) / bitsPerLevel);
  const names = kernelNames(levelCount);
  const levels = names.map((lname, depth): Level => {
    const hw = 4 - levelCount + depth;
    const shift = levelShift(pageShift, hw);
    const entries = depth === 0 ? 2 ** (vaBits - shift) : 2 ** bitsPerLevel;
    const cont = hw === 3 ? CONT_RUNS[granule].pte : hw === 2 ? CONT_RUNS[granule].pmd : 0;
    return {
      name: lname,
      hw,
      depth,
      shift,
      entrySize: 2 ** shift,
      entries,
      tableSpan: entries * 2 ** shift,
      blockAllowed: hw === 2 || (hw === 1 && granule === 4),
      contEntries: cont,
    };
  });
  const shiftOf = {} as Record<LevelName, number>;
  let above = levels[0]?.shift ?? 0;
  for (const lname of ['PGD', 'PUD', 'PMD', 'PTE'] as const) {
    const real = levels.find((l) => l.name === lname);
    above = real ? real.shift : above;
    shiftOf[lname] = above;
  }
  return {
    name,
    granule,
    pageShift,
    pageSize: 2 ** pageShift,
    vaBits,
    vaBitsMin: Math.min(vaBits, 48),
    paBits: vaBits === 52 && granule === 64 ? 52 : 48,
    levelCount,
    levels,
    folded: ['P4D', ...(['PUD', 'PMD'] as const).filter((n) => !names.includes(n))],
    ptrsPerTable: 2 ** bitsPerLevel,
    sectionShift: SECTION_SIZE_BITS,
    sectionSize: 2 ** SECTION_SIZE_BITS,
    structPageSize: 2 ** STRUCT_PAGE_MAX_SHIFT,
    shiftOf,
  };
}

/** Kernel names of the real levels for a level count: folding removes PUD first, then PMD. */
function kernelNames(levelCount: number): LevelName[] {
  if (levelCount === 4) return ['PGD', 'PUD', 'PMD', 'PTE'];
  if (levelCount === 3) return ['PGD', 'PMD', 'PTE'];
  return ['PGD', 'PTE'];
}

/** The real level with a kernel name, or undefined when that level is folded. */
export function levelNamed(geo: Geometry, name: LevelName): Level | undefined {
  return geo.levels.find((l) => l.name === name);
}
