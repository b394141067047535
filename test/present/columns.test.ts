import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columns } from '../../src/present/story-text';

describe('columns: rows of cells as aligned text', () => {
  it('pads every cell to its column’s widest cell, so a column starts at the same place in every row', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 30 }), (rows) => {
        const lines = columns(rows, '');
        const widths = [0, 1, 2].map((col) => Math.max(...rows.map((r) => r[col as 0 | 1 | 2].length)));
        for (const [i, row] of rows.entries()) {
          let at = 0;
          for (const [col, text] of row.entries()) {
            expect(lines[i]?.slice(at, at + text.length)).toBe(text);
            at += (widths[col] ?? 0) + 2;
          }
        }
      }),
    );
  });

  it('formats a table of a terabyte’s removal (half a million rows) without running out of stack', () => {
    const rows = Array.from({ length: 600_000 }, (_, i) => ['PTE', `0x${i.toString(16)}`, 'freed']);
    const lines = columns(rows);
    expect(lines).toHaveLength(600_000);
    expect(lines.at(-1)).toBe(`  PTE  0x${(599_999).toString(16)}  freed`);
  });
});
