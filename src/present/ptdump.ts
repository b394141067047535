import { type Kva, kvaHex } from '../arch/address';
import {
  AF,
  AP_RDONLY,
  AP_USER,
  ATTRINDX_SHIFT,
  DescType,
  descAddr,
  descType,
  HI_CONT,
  HI_PXN,
  HI_UXN,
  MemType,
  NG,
  SH_INNER,
  TABLE_BIT,
  VALID,
} from '../arch/descriptor';
import type { Geometry, Level } from '../arch/geometry';
import type { Layout, RegionKey } from '../arch/layout';
import { RangeRuleError } from '../errors';
import type { TableView } from '../tables/table-view';

/*
 * The arm64 `kernel_page_tables` debugfs file of v5.7 (arch/arm64/mm/dump.c over the generic walker of
 * mm/ptdump.c and mm/pagewalk.c). Facts checked against the kernel source:
 * - every PTE of a present PTE table is reported, a none entry above the PTE level is a hole, a block is
 *   a leaf, a table is walked into, and a non-none invalid entry above the PTE level is skipped;
 * - runs of the same note level and masked attributes make one line; a hole (attributes 0) prints no
 *   attribute words at all, so `F` only appears for an invalid entry with other bits set;
 * - the run is also cut when an address reaches the next marker, at most two markers advance per
 *   report, and the final report is at address 0 (the wrapped end): below every marker, so a marker
 *   beyond the last reported entry (vmemmap end on 4K/48) is never printed.
 */

/** One entry of dump.c's pte_bits[]: `set` when (prot & mask) == val, else `clear` (nothing if absent). */
interface ProtBit {
  readonly mask: { readonly lo: number; readonly hi: number };
  readonly val: { readonly lo: number; readonly hi: number };
  readonly set: string;
  readonly clear?: string;
}

const ATTRINDX_MASK = 7 << ATTRINDX_SHIFT;

const flag = (lo: number, hi: number, set: string, clear: string): ProtBit => ({
  mask: { lo, hi },
  val: { lo, hi },
  set,
  clear,
});

const memType = (type: MemType, set: string): ProtBit => ({
  mask: { lo: ATTRINDX_MASK, hi: 0 },
  val: { lo: type << ATTRINDX_SHIFT, hi: 0 },
  set,
});

/** pte_bits[] of v5.7, in print order (BTI's GP came in v5.8, MEM/NORMAL-TAGGED in v5.10). */
const PTE_BITS: readonly ProtBit[] = [
  flag(VALID, 0, ' ', 'F'),
  flag(AP_USER, 0, 'USR', '   '),
  flag(AP_RDONLY, 0, 'ro', 'RW'),
  flag(0, HI_PXN, 'NX', 'x '),
  flag(SH_INNER, 0, 'SHD', '   '),
  flag(AF, 0, 'AF', '  '),
  flag(NG, 0, 'NG', '  '),
  flag(0, HI_CONT, 'CON', '   '),
  flag(TABLE_BIT, 0, '   ', 'BLK'),
  flag(0, HI_UXN, 'UXN', '   '),
  memType(MemType.DeviceNGnRnE, 'DEVICE/nGnRnE'),
  memType(MemType.DeviceNGnRE, 'DEVICE/nGnRE'),
  memType(MemType.DeviceGRE, 'DEVICE/GRE'),
  memType(MemType.NormalNC, 'MEM/NORMAL-NC'),
  memType(MemType.Normal, 'MEM/NORMAL'),
];

/** pg_level[].mask (ptdump_initialize): the union of the masks, split into descriptor halves. */
const MASK_LO = PTE_BITS.reduce((m, b) => m | b.mask.lo, 0);
const MASK_HI = PTE_BITS.reduce((m, b) => m | b.mask.hi, 0);

/** dump_prot: the attribute columns of masked descriptor bits, each word after one space. */
export function dumpProt(lo: number, hi: number): string {
  let out = '';
  for (const b of PTE_BITS) {
    const word = (lo & b.mask.lo) === b.val.lo && (hi & b.mask.hi) === b.val.hi ? b.set : b.clear;
    if (word !== undefined) out += ` ${word}`;
  }
  return out;
}

/** pg_level[].name by report level 0..4 (pgd, p4d, pud, pmd, pte): a folded PUD or PMD prints as PGD. */
function pgLevelNames(levelCount: number): readonly string[] {
  return ['PGD', 'P4D', levelCount > 3 ? 'PUD' : 'PGD', levelCount > 2 ? 'PMD' : 'PGD', 'PTE'];
}

/** The levels note_page hears about one real level: a leaf (or any PTE) at one, a hole at the other. */
export interface ReportLevels {
  readonly leaf: number;
  readonly hole: number;
}

/**
 * Where the v5.7 walker reports a real level. pte_entry reports every PTE at 4 and pXd_entry a leaf at
 * its own slot: the last real levels are pte and pmd; above them, the 3- and 2-level folding headers
 * make the PGD entry the pud (2) or pmd (3), while on 4 levels 5level-fixup folds the P4D below a real
 * PGD (0). pte_hole reports a none entry at real_depth(), which lifts it through every folded level
 * above: a PGD hole is at 0 on every configuration.
 */
export function reportLevels(geo: Geometry, depth: number): ReportLevels {
  const leaf = geo.levelCount === 4 && depth === 0 ? 0 : 4 - (geo.levelCount - 1 - depth);
  return { leaf, hole: depth === 0 ? 0 : leaf };
}

/** The names dump.c prints for a real level's leaves and holes (the same two words, always). */
export function dumpLevelNames(geo: Geometry, depth: number): { leaf: string; hole: string } {
  const names = pgLevelNames(geo.levelCount);
  const { leaf, hole } = reportLevels(geo, depth);
  return { leaf: names[leaf] as string, hole: names[hole] as string };
}

/** One `0x…-0x…` line: a run of entries with the same report level and attributes. */
export interface PtdumpRun {
  readonly kind: 'run';
  readonly start: Kva;
  /** Exclusive; the top of the address space prints as 0x0000000000000000. */
  readonly end: Kva;
  /** The level name as dump.c prints it. */
  readonly level: string;
  /** The attribute columns exactly as printed (leading space, fillers); '' for a hole. */
  readonly attrs: string;
  /** The marker printed last before this run. */
  readonly section: string;
}

/** One `---[ name ]---` line. */
export interface PtdumpMarker {
  readonly kind: 'marker';
  readonly name: string;
}

export type PtdumpLine = PtdumpRun | PtdumpMarker;

/** The attribute words of a run, fillers dropped: [] for a hole. */
export function attrWords(run: PtdumpRun): string[] {
  return run.attrs.split(' ').filter((w) => w !== '');
}

/** An address_markers[] entry. */
interface Marker {
  readonly at: Kva;
  readonly name: string;
}

/** The marker names of v5.7 dump.c for the regions it marks (it has none for the BPF JIT region). */
const MARKER_NAMES: Partial<Record<RegionKey, readonly [string, string]>> = {
  linear: ['Linear Mapping start', 'Linear Mapping end'],
  kasan: ['Kasan shadow start', 'Kasan shadow end'],
  modules: ['Modules start', 'Modules end'],
  vmalloc: ['vmalloc() area', 'vmalloc() end'],
  fixmap: ['Fixmap start', 'Fixmap end'],
  'pci-io': ['PCI I/O start', 'PCI I/O end'],
  vmemmap: ['vmemmap start', 'vmemmap end'],
};

/** address_markers[] for a layout, bottom to top as the kernel lists them. */
function markers(lay: Layout): Marker[] {
  return lay.regions.flatMap((r) => {
    const names = MARKER_NAMES[r.key];
    return names
      ? [
          { at: r.start, name: names[0] },
          { at: r.end, name: names[1] },
        ]
      : [];
  });
}

/** pg_state with note_page: the open run, the current marker, and the lines printed so far. */
class PgState {
  readonly lines: PtdumpLine[] = [];
  private level = -1;
  private start: Kva = 0;
  private lo = 0;
  private hi = 0;
  private next: Kva;

  constructor(
    private readonly names: readonly string[],
    private readonly markers: readonly Marker[],
    private marker: number,
    /** 2^VA_BITS: the end of the address space, which wraps to address 0. */
    private readonly top: Kva,
  ) {
    this.next = this.markerAt(marker + 1);
  }

  /** note_page(addr, level, val). */
  note(addr: Kva, level: number, lo: number, hi: number): void {
    const plo = lo & MASK_LO;
    const phi = hi & MASK_HI;
    if (this.level === -1) {
      this.open(addr, level, plo, phi);
      this.printMarker();
    } else if (plo !== this.lo || phi !== this.hi || level !== this.level || this.crossed(addr)) {
      this.printRun(addr);
      if (this.crossed(addr)) this.advance();
      this.open(addr, level, plo, phi);
    }
    if (this.crossed(addr)) this.advance();
  }

  /** The walker's last report, note_page(0, -1, 0): closes the open run at `end`. */
  finish(end: Kva): void {
    this.note(end, -1, 0, 0);
  }

  /** Whether addr reached the next marker; the wrapped end (address 0) reaches none. */
  private crossed(addr: Kva): boolean {
    return addr < this.top && addr >= this.next;
  }

  private open(addr: Kva, level: number, lo: number, hi: number): void {
    this.start = addr;
    this.level = level;
    this.lo = lo;
    this.hi = hi;
  }

  private advance(): void {
    this.marker++;
    this.next = this.markerAt(this.marker + 1);
    this.printMarker();
  }

  private markerAt(i: number): Kva {
    return this.markers[i]?.at ?? Number.POSITIVE_INFINITY;
  }

  private printMarker(): void {
    this.lines.push({ kind: 'marker', name: this.markers[this.marker]?.name ?? '' });
  }

  private printRun(end: Kva): void {
    const attrs = this.lo !== 0 || this.hi !== 0 ? dumpProt(this.lo, this.hi) : '';
    const section = this.markers[this.marker]?.name ?? '';
    this.lines.push({ kind: 'run', start: this.start, end, level: this.names[this.level] ?? '', attrs, section });
  }
}

/**
 * walk_page_range over [start, end) with ptdump's ops: every entry of every level from the PGD down,
 * each reported at its entry address (or at start, for the first one).
 */
function walkRange(pt: TableView, st: PgState, start: Kva, end: Kva): void {
  const geo = pt.geo;
  const report = geo.levels.map((l) => reportLevels(geo, l.depth));
  const visit = (table: number, depth: number, base: Kva): void => {
    const level = geo.levels[depth] as Level;
    const at = report[depth] as ReportLevels;
    const words = pt.words(table, 'ptdump');
    const first = Math.max(0, Math.floor((start - base) / level.entrySize));
    const last = Math.min(level.entries, Math.ceil((end - base) / level.entrySize));
    for (let i = first; i < last; i++) {
      const entry = base + i * level.entrySize;
      const lo = words[2 * i] ?? 0;
      const hi = words[2 * i + 1] ?? 0;
      const type = descType(level, lo);
      const addr = Math.max(entry, start);
      if (type === DescType.Table) visit(descAddr(lo, hi, geo.pageShift) / geo.pageSize, depth + 1, entry);
      // pte_entry (every PTE) or pXd_entry (a leaf)
      else if (level.name === 'PTE' || type !== DescType.Invalid) st.note(addr, at.leaf, lo, hi);
      // pte_hole; a non-none invalid entry above the PTE level is not reported at all (!pXd_present)
      else if ((lo | hi) === 0) st.note(addr, at.hole, 0, 0);
    }
  };
  visit(pt.pgd, 0, 0);
}

/** What a dump reads: a layout for its markers and the tables (the model's, or a guest's RAM image). */
export interface DumpSource {
  readonly geo: Geometry;
  readonly layout: Layout;
  readonly pt: TableView;
}

/** A VA range in model addresses, [start, end). */
export interface VaRange {
  readonly start: Kva;
  readonly end: Kva;
}

/** What to dump: by default the whole kernel half, as the debugfs file does. */
export interface PtdumpOptions {
  /** Only [start, end), starting at the last marker at or below start. */
  readonly range?: VaRange;
  /** Only these regions of the layout, each walked on its own, bottom to top (ignored with a range). */
  readonly regions?: readonly RegionKey[];
}

/** The ranges to walk, each on its own: regions bottom to top, refused if the layout lacks one. */
function rangesOf(k: DumpSource, options: PtdumpOptions): VaRange[] {
  const top = 2 ** k.geo.vaBits;
  if (options.range) {
    const { start, end } = options.range;
    if (!(start >= 0 && start < end && end <= top)) {
      throw new RangeRuleError('a dump range is non-empty and inside the kernel half', {
        start: kvaHex(k.geo, start),
        end: kvaHex(k.geo, end),
      });
    }
    return [options.range];
  }
  if (!options.regions) return [{ start: 0, end: top }];
  const wanted = options.regions;
  checkRegions(k.layout, wanted);
  return k.layout.regions.filter((r) => wanted.includes(r.key));
}

/** Refuses a region the layout lacks (the KASAN shadow without KASAN, a misspelt name). */
export function checkRegions(lay: Layout, regions: readonly string[]): void {
  for (const key of regions) {
    if (!lay.regions.some((r) => r.key === key)) {
      throw new RangeRuleError(
        'a dumped region must be one of the layout',
        { region: key, config: lay.geo.name, kasan: lay.kasan },
        `regions: ${lay.regions.map((r) => r.key).join(', ')}`,
      );
    }
  }
}

/** The dump as lines: each range walked with a fresh state that starts at the last marker at or below it. */
export function ptdumpLines(k: DumpSource, options: PtdumpOptions = {}): PtdumpLine[] {
  const all = markers(k.layout);
  const names = pgLevelNames(k.geo.levelCount);
  return rangesOf(k, options).flatMap(({ start, end }) => {
    const first = all.reduce((last, m, i) => (m.at <= start ? i : last), 0);
    const st = new PgState(names, all, first, 2 ** k.geo.vaBits);
    walkRange(k.pt, st, start, end);
    st.finish(end);
    return st.lines;
  });
}

const UNITS = 'KMGTPE';

/** The size column: bytes in K, promoted while divisible by 1024, right-aligned in 9 digits. */
export function sizeColumn(bytes: number): string {
  let value = bytes / 1024;
  let unit = 0;
  while (value % 1024 === 0 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${String(value).padStart(9)}${UNITS[unit]}`;
}

/** A run as dump.c prints it: `0x%016lx-0x%016lx   %9lu%c %s` and the attribute columns. */
export function formatRun(geo: Geometry, run: PtdumpRun): string {
  return `${kvaHex(geo, run.start)}-${kvaHex(geo, run.end)}   ${sizeColumn(run.end - run.start)} ${run.level}${run.attrs}`;
}

/** ptdump_show: the text of `kernel_page_tables` for the model's page tables. */
export function ptdump(k: DumpSource, options: PtdumpOptions = {}): string {
  const text = ptdumpLines(k, options).map((l) => (l.kind === 'marker' ? `---[ ${l.name} ]---` : formatRun(k.geo, l)));
  return `${text.join('\n')}\n`;
}

export interface PtdumpRunJson {
  readonly start: string;
  readonly end: string;
  /** The size column without padding, e.g. `2G`. */
  readonly size: string;
  readonly bytes: number;
  readonly level: string;
  /** Attribute words; [] for a hole. */
  readonly attrs: readonly string[];
  /** The marker printed last before the run. */
  readonly section: string;
}

export interface PtdumpJson {
  readonly config: string;
  readonly kasan: boolean;
  readonly runs: readonly PtdumpRunJson[];
}

/** The runs of a dump, in order, without its markers. */
export function ptdumpRuns(lines: readonly PtdumpLine[]): PtdumpRun[] {
  return lines.filter((l): l is PtdumpRun => l.kind === 'run');
}

/** The dump as JSON: its runs, in order. */
export function ptdumpJson(k: DumpSource, options: PtdumpOptions = {}): PtdumpJson {
  const runs = ptdumpRuns(ptdumpLines(k, options));
  return {
    config: k.geo.name,
    kasan: k.layout.kasan,
    runs: runs.map((r) => ({
      start: kvaHex(k.geo, r.start),
      end: kvaHex(k.geo, r.end),
      size: sizeColumn(r.end - r.start).trim(),
      bytes: r.end - r.start,
      level: r.level,
      attrs: attrWords(r),
      section: r.section,
    })),
  };
}
