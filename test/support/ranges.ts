import * as fc from 'fast-check';
import { type Geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';

/** Runs of every property test of the foundation model. */
export const RUNS = 1000;

/** Any configuration v5.7 builds. */
export const configArb = fc.constantFrom(...SUPPORTED_CONFIGS);

/** The four flag combinations of __create_pgd_mapping. */
export const flagsArb = fc.constantFrom(0, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS);

/**
 * The sizes at which __create_pgd_mapping's choices change, ascending: a page, a CONT_PTE run, each
 * block size, a CONT_PMD run.
 */
export function mappingUnits(geo: Geometry): number[] {
  const units = new Set([geo.pageSize]);
  for (const level of geo.levels) {
    if (level.contEntries > 0) units.add(level.contEntries * level.entrySize);
    if (level.blockAllowed) units.add(level.entrySize);
  }
  return [...units].sort((a, b) => a - b);
}

/** Bytes one PTE table maps: the smallest block size. */
function pteTableSpan(geo: Geometry): number {
  return geo.levels[geo.levels.length - 2]?.entrySize ?? geo.pageSize;
}

/**
 * A mapping relative to a window: virt = window + offset, phys = physical window + offset + skew.
 * Both windows are aligned to the largest mapping unit, so offset, size and skew alone decide which
 * alignments hold.
 */
export interface RangeShape {
  readonly offset: number;
  readonly size: number;
  readonly skew: number;
  readonly flags: number;
}

/** Bytes a window must have for any shape of a configuration. */
export function shapeSpan(geo: Geometry): number {
  return 8 * (mappingUnits(geo).at(-1) as number);
}

const dot = (coeffs: readonly number[], units: readonly number[]): number =>
  coeffs.reduce((sum, c, i) => sum + c * (units[i] ?? 0), 0);

const coeffsArb = (n: number, max = 2) => fc.array(fc.nat({ max }), { minLength: n, maxLength: n });

/** One side of a block boundary: mostly the usual side (few PTEs are written there), never the other when cheap. */
const sideArb = (usual: 1 | -1, cheap: boolean) =>
  cheap ? fc.constant(usual) : fc.oneof({ weight: 7, arbitrary: fc.constant(usual) }, fc.constant(-usual));

/** A few pages and CONT_PTE runs on one side of a block boundary. */
const edgeArb = (small: readonly number[], usual: 1 | -1, cheap: boolean) =>
  fc.tuple(coeffsArb(small.length), sideArb(usual, cheap)).map(([c, sign]) => sign * dot(c, small));

/** Options of rangeShapeArb. */
interface ShapeOptions {
  readonly flags?: fc.Arbitrary<number>;
  /** Never put an end on the costly side of a block boundary, nor page-map a whole block: at most a few dozen PTEs. */
  readonly cheap?: boolean;
}

/**
 * Ranges whose ends sit at every kind of alignment: 0–2 of each block-sized unit (block, CONT_PMD
 * run, 1 GiB) and a few pages and CONT_PTE runs before or after a block boundary. Phys is offset from
 * virt by nothing, by block-sized units (blocks at some levels only) or by pages (no block fits).
 * Ends are mostly placed so that few PTEs are written — a start just below a boundary, an end just
 * above one — and a range that must be mapped with pages (NO_BLOCK_MAPPINGS, or phys not aligned to
 * a block) spans at most one block, so a run writes at most a few PTE tables even on 64K pages.
 */
export function rangeShapeArb(geo: Geometry, options: ShapeOptions = {}): fc.Arbitrary<RangeShape> {
  const cheap = options.cheap ?? false;
  const units = mappingUnits(geo);
  const block = pteTableSpan(geo);
  const small = units.filter((u) => u < block);
  const big = units.filter((u) => u >= block);
  const top = units.at(-1) as number;
  const pagedBlocks = cheap ? fc.constant(0) : fc.oneof({ weight: 7, arbitrary: fc.constant(0) }, fc.constant(1));
  return fc
    .record({
      start: coeffsArb(big.length),
      lead: edgeArb(small, -1, cheap),
      length: coeffsArb(big.length),
      pagedBlocks,
      trail: edgeArb(small, 1, cheap),
      skew: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        coeffsArb(units.length - 1, 1).map((c) => dot(c, units)),
      ),
      flags: options.flags ?? flagsArb,
    })
    .map(({ start, lead, length, pagedBlocks, trail, skew, flags }) => {
      const paged = (flags & NO_BLOCK_MAPPINGS) !== 0 || skew % block !== 0;
      const from = top + dot(start, big);
      const to = from + (paged ? pagedBlocks * block : dot(length, big)) + trail;
      const offset = from + lead;
      return { offset, size: Math.max(to - offset, geo.pageSize), skew, flags };
    });
}
