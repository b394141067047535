import { ConfigError } from '../errors';
import { ERAS, type EraName, era as eraNamed } from './era';

export type { ConfigName } from './era';

/** Translation granule in KiB. */
export type Granule = 4 | 16 | 64;

/** The kernel's names for the translation levels (P4D is real only with five levels: 4K/52 with LPA2). */
export type LevelName = 'PGD' | 'P4D' | 'PUD' | 'PMD' | 'PTE';
export type FoldedName = 'P4D' | 'PUD' | 'PMD';

/** One real (not folded) level of the kernel page tables; the same data drives every level's loop. */
export interface Level {
  /** Kernel name: the top level is always PGD, the last always PTE. */
  readonly name: LevelName;
  /** Architectural lookup level, −1..3 (3 = PTE; −1 only with five levels). */
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
  /** The era whose kernel the model stands for (its section size, TEXT_OFFSET, layout formulas). */
  readonly era: EraName;
  readonly granule: Granule;
  readonly pageShift: number;
  readonly pageSize: number;
  /**
   * vabits_actual: the VA bits the running kernel translates, and so the TTBR1 half the model works
   * in. VA_BITS unless a 52-bit configuration runs on a CPU without 52-bit VA and falls back.
   */
  readonly vaBits: number;
  /** CONFIG_ARM64_VA_BITS, the build-time VA_BITS the layout formulas use. */
  readonly vaBitsConfig: number;
  /** VA_BITS_MIN: the fallback's bits (the era's) when VA_BITS is 52, else VA_BITS. */
  readonly vaBitsMin: number;
  /** Physical address bits the configuration supports (52 only with 64K pages and 52-bit VA). */
  readonly paBits: number;
  /** Levels the running kernel walks: CONFIG_PGTABLE_LEVELS, less the one folded at run time by a fallback. */
  readonly levelCount: number;
  /** Real levels, top first. */
  readonly levels: readonly Level[];
  /** Levels folded into the one above (P4D always; PUD below 4 levels; PMD below 3). */
  readonly folded: readonly FoldedName[];
  /** Descriptors per table page: 2^(PAGE_SHIFT − 3). */
  readonly ptrsPerTable: number;
  /** SECTION_SIZE_BITS of the era (v5.7: 30, 1 GiB): the unit of memory hotplug. */
  readonly sectionShift: number;
  readonly sectionSize: number;
  /** sizeof(struct page): 64 (STRUCT_PAGE_MAX_SHIFT 6). */
  readonly structPageSize: number;
  /** Shift of a level by kernel name; folded levels take the shift of the level above. */
  readonly shiftOf: Readonly<Record<LevelName, number>>;
}

/** The configurations v5.7 builds, as "granule/VA bits". */
export const SUPPORTED_CONFIGS = ERAS['v5.7'].configs;

export interface GeometryOptions {
  /** Era name (default `v5.7`). */
  readonly era?: string;
  /**
   * Whether the CPU offers 52-bit VA at this granule (FEAT_LPA2 with 4K and 16K pages, FEAT_LVA with
   * 64K; default yes). Without it a 52-bit kernel runs with vabits_actual = VA_BITS_MIN and folds the
   * extra level at run time. Only a 52-bit configuration can say no.
   */
  readonly lpa2?: boolean;
}

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

/**
 * Parses and builds a configuration such as `16K/47` in an era; an unknown era, a configuration the
 * era's kernel does not build, and a 52-bit fallback the model does not follow in that era are refused.
 */
export function geometry(name: string, options: GeometryOptions = {}): Geometry {
  const key = `${options.era ?? 'v5.7'} ${name} ${options.lpa2 ?? true}`;
  const known = cache.get(key);
  if (known) return known;
  const e = eraNamed(options.era ?? 'v5.7');
  if (!(e.configs as readonly string[]).includes(name)) {
    throw new ConfigError(
      `the configuration must be one that arm64 ${e.name} builds`,
      e.name === 'v5.7' ? { config: name } : { config: name, era: e.name },
      `supported: ${e.configs.join(', ')}`,
    );
  }
  const [g, v] = name.split('/');
  const granule = Number(g?.replace('K', '')) as Granule;
  const vaBitsConfig = Number(v);
  const vaBitsMin = vaBitsConfig === 52 ? e.vaBitsMin52[granule] : vaBitsConfig;
  if (options.lpa2 === false && (vaBitsConfig !== 52 || !e.fallback52)) {
    throw new ConfigError(
      'only a 52-bit configuration of an era with the run-time fallback runs without 52-bit VA hardware',
      { config: name, era: e.name, lpa2: false },
      `fallback modelled in: ${Object.values(ERAS)
        .filter((x) => x.fallback52)
        .map((x) => x.name)
        .join(', ')}`,
    );
  }
  const vaBits = options.lpa2 === false ? vaBitsMin : vaBitsConfig;
  const built = build(granule, { vaBits, vaBitsConfig, vaBitsMin }, e.sectionBits[granule], name, e.name);
  cache.set(key, built);
  return built;
}

interface VaBits {
  readonly vaBits: number;
  readonly vaBitsConfig: number;
  readonly vaBitsMin: number;
}

function build(granule: Granule, bits: VaBits, sectionBits: number, name: string, eraName: EraName): Geometry {
  const { vaBits } = bits;
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
  for (const lname of ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'] as const) {
    const real = levels.find((l) => l.name === lname);
    above = real ? real.shift : above;
    shiftOf[lname] = above;
  }
  return {
    name,
    era: eraName,
    granule,
    pageShift,
    pageSize: 2 ** pageShift,
    ...bits,
    paBits: vaBits === 52 ? 52 : 48,
    levelCount,
    levels,
    folded: (['P4D', 'PUD', 'PMD'] as const).filter((n) => !names.includes(n)),
    ptrsPerTable: 2 ** bitsPerLevel,
    sectionShift: sectionBits,
    sectionSize: 2 ** sectionBits,
    structPageSize: 2 ** STRUCT_PAGE_MAX_SHIFT,
    shiftOf,
  };
}

/** The options that build a geometry again: its era, and whether the CPU offers 52-bit VA. */
export function geometryOptions(geo: Geometry): Required<GeometryOptions> {
  return { era: geo.era, lpa2: geo.vaBits === geo.vaBitsConfig };
}

/** Kernel names of the real levels for a level count: folding removes P4D first, then PUD, then PMD. */
function kernelNames(levelCount: number): LevelName[] {
  if (levelCount === 5) return ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'];
  if (levelCount === 4) return ['PGD', 'PUD', 'PMD', 'PTE'];
  if (levelCount === 3) return ['PGD', 'PMD', 'PTE'];
  return ['PGD', 'PTE'];
}

/** The real level with a kernel name, or undefined when that level is folded. */
export function levelNamed(geo: Geometry, name: LevelName): Level | undefined {
  return geo.levels.find((l) => l.name === name);
}
