import * as fc from 'fast-check';
import { describe, expect } from 'vitest';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { type Layout, layout, regionOf } from '../../src/arch/layout';
import { linearVmallocSharing, sharedTopEntry } from '../../src/arch/sharing';
import { property } from '../support/property';

const config = fc.constantFrom(...SUPPORTED_CONFIGS);
const LAYOUTS = SUPPORTED_CONFIGS.flatMap((name) => [false, true].map((kasan) => layout(geometry(name), { kasan })));
const anyLayout = fc.constantFrom(...LAYOUTS);

describe('layout defaults and region edges', () => {
  property([config])('without options: the v5.7 era, no KASAN shadow', (name) => {
    const lay = layout(geometry(name));
    expect(lay.kasan).toBe(false);
    expect(lay.era).toBe('v5.7');
    expect(lay.regions.some((r) => r.key === 'kasan')).toBe(false);
    expect(lay).toEqual(layout(geometry(name), { kasan: false, era: 'v5.7' }));
  });

  property([anyLayout])('a region holds its first byte and its last, not its exclusive end', (lay) => {
    for (const r of lay.regions) {
      expect(regionOf(lay, r.start)).toBe(r);
      expect(regionOf(lay, r.end - 1)).toBe(r);
      expect(regionOf(lay, r.end)).not.toBe(r);
    }
  });
});

/**
 * The sharing functions read only a few fields of the layout; these layouts move one of them to where
 * v5.7 never puts it, to pin what each function computes rather than what v5.7 happens to give.
 */
describe('sharing computed from the layout, for any layout', () => {
  const pgdSize = (lay: Layout): number => lay.geo.levels[0]?.entrySize ?? Number.NaN;

  property([anyLayout])('VMALLOC_END on a PGD boundary: its last byte is in the entry before', (lay) => {
    const vmallocEnd = Math.ceil(lay.vmallocEnd / pgdSize(lay)) * pgdSize(lay);
    const moved = { ...lay, vmallocEnd };
    expect(sharedTopEntry(moved).vmallocEntry).toBe(vmallocEnd / pgdSize(lay) - 1);
  });

  property([anyLayout])('two neighbouring bytes share every table down to the one whose entries they split', (lay) => {
    const moved = { ...lay, vmemmapStart: lay.vmallocEnd };
    const { tables, shared } = sharedTopEntry(moved);
    expect(shared).toBe(true);
    // VMALLOC_END is 64K-aligned, never 2M-aligned: the two bytes split only at a 64K-or-smaller entry.
    const splitting = lay.geo.levels.filter((l) => lay.vmallocEnd % l.entrySize === 0);
    expect(tables.length).toBe(lay.geo.levels.length - splitting.length);
    tables.forEach((t, i) => {
      expect(t.level).toBe(lay.geo.levels[i + 1]?.name);
      expect(t.start).toBeLessThanOrEqual(lay.vmallocEnd - 1);
      expect(t.start + t.span).toBeGreaterThan(lay.vmallocEnd);
    });
  });

  property([anyLayout, fc.integer({ min: 1, max: 16 })])(
    'PAGE_END off a PGD boundary is reported as such',
    (lay, pages) => {
      const moved = { ...lay, pageEnd: lay.pageEnd - pages * lay.geo.pageSize };
      expect(linearVmallocSharing(lay).pageEndOnPgdBoundary).toBe(true);
      expect(linearVmallocSharing(moved).pageEndOnPgdBoundary).toBe(false);
    },
  );
});
