import type { TableStatus } from './tree-tables';

export interface Swatch {
  readonly fill: string;
  readonly stroke: string;
  readonly dash?: string;
  readonly label: string;
}

/** The colour of each status, and what the legend says about it. */
export const STATUS: Readonly<Record<TableStatus, Swatch>> = {
  live: { fill: '#dcefd9', stroke: '#3b7a3b', label: 'live (kept, entries in use)' },
  allocated: { fill: '#d8e6f8', stroke: '#2a62a8', label: 'allocated by the change' },
  freed: { fill: '#f8d7d4', stroke: '#b8322a', dash: '5 3', label: 'freed (present before, gone after)' },
  empty: { fill: '#fff1b8', stroke: '#a08400', label: 'left empty (kept, every entry none)' },
  static: { fill: '#e4daf3', stroke: '#5e4690', label: 'static (kernel image)' },
  reserved: { fill: '#e9e3d8', stroke: '#7d6645', label: 'reserved (boot memblock)' },
};

export const SHARED = { stroke: '#e07b00', width: 3.5, label: 'shared with vmalloc (orange border)' };
export const FOLDED = { fill: '#f1f1f1', stroke: '#b8b8b8', label: 'folded level (no table of its own)' };
export const RANGE = { fill: '#c0392b', label: 'removed range' };
export const BOUNDS = { fill: '#3c9d5d', label: '[floor, ceiling)' };
export const INK = { text: '#1d1d1d', muted: '#5f6368', line: '#9aa0a6', track: '#d5d5d5' };
