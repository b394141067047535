import type { Geometry, LevelName } from '../arch/geometry';
import { contRun, vmemmapPerSection } from '../arch/kernel-sizes';
import { formatSize } from '../arch/size';

export type KernelLevelName = LevelName | 'P4D';

/** One of the kernel's five level names as a configuration sees it: a real table level, or folded. */
export interface LevelRow {
  readonly name: KernelLevelName;
  /** The real level this one is folded into, or undefined for a real level. */
  readonly foldedInto?: LevelName;
  /** Architectural lookup level 0..3; undefined when folded. */
  readonly hw?: number;
  readonly shift: number;
  /** PTRS_PER_* of the level: 1 when folded. */
  readonly entries: number;
  readonly entrySize: number;
  readonly blocks: boolean;
  /** Entries per contiguous-hint run, 0 where none. */
  readonly contEntries: number;
}

const KERNEL_ORDER: readonly KernelLevelName[] = ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'];

/** PGD, P4D, PUD, PMD, PTE in the kernel's order; a folded level takes the size of the real level above it. */
export function levelRows(geo: Geometry): LevelRow[] {
  const rows: LevelRow[] = [];
  let above: LevelRow | undefined;
  for (const name of KERNEL_ORDER) {
    const real = geo.levels.find((l) => l.name === name);
    const row: LevelRow = real
      ? {
          name,
          hw: real.hw,
          shift: real.shift,
          entries: real.entries,
          entrySize: real.entrySize,
          blocks: real.blockAllowed,
          contEntries: real.contEntries,
        }
      : {
          name,
          foldedInto: (above?.foldedInto ?? above?.name) as LevelName,
          shift: above?.shift ?? 0,
          entries: 1,
          entrySize: above?.entrySize ?? 0,
          blocks: false,
          contEntries: 0,
        };
    rows.push(row);
    above = row;
  }
  return rows;
}

function pad(text: string | number, width: number, left = false): string {
  const s = String(text);
  return left ? s.padEnd(width) : s.padStart(width);
}

function levelLine(row: LevelRow): string {
  const head = `${pad(row.name, 5, true)}  ${pad(row.hw ?? '-', 2)}  ${pad(row.shift, 5)}  ${pad(row.entries, 7)}  ${pad(formatSize(row.entrySize), 10)}`;
  if (row.foldedInto) return `${head}  folded into ${row.foldedInto}`;
  const blocks = row.name === 'PTE' ? 'page' : row.blocks ? 'yes' : 'no';
  const cont = row.contEntries
    ? `${row.contEntries} x ${formatSize(row.entrySize)} = ${formatSize(row.contEntries * row.entrySize)}`
    : '-';
  return `${head}  ${pad(blocks, 6, true)}  ${cont}`;
}

/** The geometry section of `layout`'s text output. */
export function renderGeometryText(geo: Geometry): string {
  const pte = contRun(geo, 'PTE');
  const pmd = contRun(geo, 'PMD');
  const configLevels = Math.floor((geo.vaBitsConfig - 4) / (geo.pageShift - 3));
  const folded = configLevels > geo.levelCount ? ', a level folded at run time' : '';
  const actual =
    geo.vaBits === geo.vaBitsConfig ? '' : `, vabits_actual ${geo.vaBits}: no 52-bit VA in the CPU${folded}`;
  return [
    'Geometry',
    `  PAGE_SHIFT ${geo.pageShift} (${formatSize(geo.pageSize)} pages), VA_BITS ${geo.vaBitsConfig} (VA_BITS_MIN ${geo.vaBitsMin}${actual}), ` +
      `PA bits ${geo.paBits}, CONFIG_PGTABLE_LEVELS ${configLevels}, PTRS_PER_TABLE ${geo.ptrsPerTable}`,
    '  level  hw  shift  entries  entry maps  blocks  CONT run',
    ...levelRows(geo).map((row) => `  ${levelLine(row)}`),
    `  CONT_PTE ${pte.entries} entries = ${formatSize(pte.size)}, CONT_PMD ${pmd.entries} entries = ${formatSize(pmd.size)}`,
    `  section ${formatSize(geo.sectionSize)} (SECTION_SIZE_BITS ${geo.sectionShift}), struct page ${geo.structPageSize} bytes, ` +
      `vmemmap per section ${formatSize(vmemmapPerSection(geo))}`,
  ].join('\n');
}
