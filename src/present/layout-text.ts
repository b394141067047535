import { fromKva, hex64, kvaHex, ttbr1Base } from '../arch/address';
import type { Layout, RegionKey } from '../arch/layout';
import { sharedTopEntry } from '../arch/sharing';
import { formatSize } from '../arch/size';
import { LAYOUT_SYMBOLS, layoutSymbols } from '../arch/symbols';
import { renderGeometryText } from './geometry-text';

/** One line of a layout table as Documentation/arm64/memory.rst writes it: inclusive end, size, use. */
export interface LayoutRow {
  readonly start: bigint;
  /** Last byte of the range (memory.rst prints inclusive ends). */
  readonly last: bigint;
  readonly size: number;
  readonly use: string;
}

export interface LayoutTextOptions {
  /** Also list the user half, the gaps and the guard regions between kernel regions. */
  readonly guards?: boolean;
}

/** The words memory.rst uses for each region. */
const USE: Record<RegionKey, string> = {
  linear: 'kernel logical memory map',
  kasan: 'kasan shadow region',
  'bpf-jit': 'bpf jit region',
  modules: 'modules',
  vmalloc: 'vmalloc',
  fixmap: 'fixed mappings',
  'pci-io': 'PCI I/O space',
  vmemmap: 'vmemmap',
};

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/**
 * A size as memory.rst writes it: exact in the largest unit that divides it with at most four digits
 * (`4124KB`, `3968GB`), otherwise `~` and the whole part in the largest unit it reaches (`~93TB`).
 */
export function memoryRstSize(bytes: number): string {
  let top = 0;
  while (top < UNITS.length - 1 && bytes >= 1024 ** (top + 1)) top++;
  for (let u = top; u >= 0; u--) {
    const value = bytes / 1024 ** u;
    if (Number.isInteger(value) && value < 10000) return `${value}${UNITS[u]}`;
  }
  return `~${Math.floor(bytes / 1024 ** top)}${UNITS[top]}`;
}

/** The layout's rows bottom to top; with `guards`, the user half and every hole between regions too. */
export function layoutRows(lay: Layout, options: LayoutTextOptions = {}): LayoutRow[] {
  const geo = lay.geo;
  const row = (start: number, end: number, use: string): LayoutRow => ({
    start: fromKva(geo, start),
    last: fromKva(geo, end) - 1n + (end === 2 ** geo.vaBits ? 1n << 64n : 0n),
    size: end - start,
    use,
  });
  const rows: LayoutRow[] = [];
  if (options.guards) {
    rows.push({ start: 0n, last: (1n << BigInt(geo.vaBits)) - 1n, size: 2 ** geo.vaBits, use: 'user' });
  }
  let previous: { end: number; key: RegionKey } | undefined;
  for (const region of lay.regions) {
    if (options.guards && previous && region.start > previous.end) {
      rows.push(row(previous.end, region.start, previous.key === 'linear' ? '[gap]' : '[guard region]'));
    }
    rows.push(row(region.start, region.end, USE[region.key]));
    previous = region;
  }
  const top = 2 ** geo.vaBits;
  if (options.guards && previous && previous.end < top) rows.push(row(previous.end, top, '[guard region]'));
  return rows;
}

const digits16 = (v: bigint): string => hex64(v).slice(2);

/** The rows as a memory.rst-style table (no `0x`, inclusive ends). */
export function renderLayoutTable(rows: readonly LayoutRow[]): string {
  const lines = rows.map(
    (r) => `  ${digits16(r.start)}  ${digits16(r.last)}  ${memoryRstSize(r.size).padStart(7)}  ${r.use}`,
  );
  return ['  Start             End               Size     Use', ...lines].join('\n');
}

/** Every kernel symbol of the layout with its value; absent regions say so. */
export function renderSymbols(lay: Layout): string {
  const values = layoutSymbols(lay);
  const width = Math.max(...LAYOUT_SYMBOLS.map((s) => s.length));
  return LAYOUT_SYMBOLS.map((name) => {
    const kva = values[name];
    const absent = name.startsWith('KASAN_') ? '(no KASAN shadow)' : `(none in ${lay.era})`;
    return `  ${name.padEnd(width)}  ${kva === undefined ? absent : kvaHex(lay.geo, kva)}`;
  }).join('\n');
}

/** One sentence on whether vmalloc and vmemmap meet under one PGD entry. */
export function renderSharing(lay: Layout): string {
  const s = sharedTopEntry(lay);
  const head = `  last vmalloc byte in PGD entry ${s.vmallocEntry}, VMEMMAP_START in PGD entry ${s.vmemmapEntry}`;
  if (!s.shared) return `${head}: no table page shared`;
  const tables = s.tables.map((t) => `${t.level} table at ${kvaHex(lay.geo, t.start)} (${formatSize(t.span)})`);
  return `${head}: they share ${tables.join(', ')}`;
}

/** The full text output of `layout`: geometry, the memory.rst-style table, the symbols and the sharing. */
export function renderLayoutText(lay: Layout, options: LayoutTextOptions = {}): string {
  const kasan = lay.kasan ? 'generic KASAN' : 'no KASAN';
  return [
    `Configuration ${lay.geo.name}, Linux ${lay.era} arm64, ${kasan} (TTBR1 half from ${hex64(ttbr1Base(lay.geo))})`,
    '',
    renderGeometryText(lay.geo),
    '',
    'Kernel VA layout',
    renderLayoutTable(layoutRows(lay, options)),
    '',
    'Kernel symbols',
    renderSymbols(lay),
    '',
    'vmalloc and vmemmap',
    renderSharing(lay),
    '',
  ].join('\n');
}
