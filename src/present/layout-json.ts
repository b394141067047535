import { kvaHex } from '../arch/address';
import { contRun, vmemmapPerSection } from '../arch/kernel-sizes';
import type { Layout, RegionKey } from '../arch/layout';
import { sharedTopEntry } from '../arch/sharing';
import { LAYOUT_SYMBOLS, type LayoutSymbol, layoutSymbols } from '../arch/symbols';
import { type KernelLevelName, levelRows } from './geometry-text';

/** `0x` and 16 hex digits. */
type Hex = string;

export interface LevelJson {
  readonly name: KernelLevelName;
  /** Lookup level 0..3, or null when the level is folded. */
  readonly hw: number | null;
  readonly foldedInto: string | null;
  readonly shift: number;
  readonly entries: number;
  /** Bytes one entry maps. */
  readonly entrySize: number;
  readonly blocks: boolean;
  readonly contEntries: number;
}

export interface GeometryJson {
  readonly granule: string;
  readonly pageShift: number;
  readonly pageSize: number;
  readonly vaBits: number;
  readonly vaBitsMin: number;
  readonly paBits: number;
  readonly levelCount: number;
  readonly ptrsPerTable: number;
  /** PGD, P4D, PUD, PMD, PTE in this order, folded ones included. */
  readonly levels: readonly LevelJson[];
  readonly folded: readonly string[];
  readonly contPte: { readonly entries: number; readonly size: number };
  readonly contPmd: { readonly entries: number; readonly size: number };
  readonly sectionShift: number;
  readonly sectionSize: number;
  readonly structPageSize: number;
  readonly vmemmapPerSection: number;
}

export interface RegionJson {
  /** The name ptdump prints between its markers. */
  readonly name: string;
  readonly key: RegionKey;
  readonly start: Hex;
  /** Exclusive end; the top of the address space prints as 0x0000000000000000. */
  readonly end: Hex;
  /** Bytes, exact (every region is smaller than 2^53). */
  readonly size: number;
}

export interface SharingJson {
  readonly vmallocEntry: number;
  readonly vmemmapEntry: number;
  readonly shared: boolean;
  readonly tables: readonly { readonly level: string; readonly start: Hex; readonly span: number }[];
}

/** The `layout --json` document. Symbols are hex strings, or null where the region is absent. */
export type LayoutJson = {
  readonly config: string;
  readonly era: string;
  readonly kasan: boolean;
  readonly geometry: GeometryJson;
  readonly regions: readonly RegionJson[];
  readonly vmallocVmemmapSharing: SharingJson;
} & { readonly [S in LayoutSymbol]: Hex | null };

function geometryJson(lay: Layout): GeometryJson {
  const geo = lay.geo;
  return {
    granule: `${geo.granule}K`,
    pageShift: geo.pageShift,
    pageSize: geo.pageSize,
    vaBits: geo.vaBits,
    vaBitsMin: geo.vaBitsMin,
    paBits: geo.paBits,
    levelCount: geo.levelCount,
    ptrsPerTable: geo.ptrsPerTable,
    levels: levelRows(geo).map((r) => ({
      name: r.name,
      hw: r.hw ?? null,
      foldedInto: r.foldedInto ?? null,
      shift: r.shift,
      entries: r.entries,
      entrySize: r.entrySize,
      blocks: r.blocks,
      contEntries: r.contEntries,
    })),
    folded: [...geo.folded],
    contPte: contRun(geo, 'PTE'),
    contPmd: contRun(geo, 'PMD'),
    sectionShift: geo.sectionShift,
    sectionSize: geo.sectionSize,
    structPageSize: geo.structPageSize,
    vmemmapPerSection: vmemmapPerSection(geo),
  };
}

/** The layout as a plain JSON-ready object with a fixed key order. */
export function layoutJson(lay: Layout): LayoutJson {
  const hex = (kva: number): Hex => kvaHex(lay.geo, kva);
  const values = layoutSymbols(lay);
  const sharing = sharedTopEntry(lay);
  const symbols = Object.fromEntries(
    LAYOUT_SYMBOLS.map((s) => {
      const kva = values[s];
      return [s, kva === undefined ? null : hex(kva)];
    }),
  ) as Record<LayoutSymbol, Hex | null>;
  return {
    config: lay.geo.name,
    era: lay.era,
    kasan: lay.kasan,
    geometry: geometryJson(lay),
    regions: lay.regions.map((r) => ({
      name: r.name,
      key: r.key,
      start: hex(r.start),
      end: hex(r.end),
      size: r.end - r.start,
    })),
    vmallocVmemmapSharing: {
      vmallocEntry: sharing.vmallocEntry,
      vmemmapEntry: sharing.vmemmapEntry,
      shared: sharing.shared,
      tables: sharing.tables.map((t) => ({ level: t.level, start: hex(t.start), span: t.span })),
    },
    ...symbols,
  };
}
