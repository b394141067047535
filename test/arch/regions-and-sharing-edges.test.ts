import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe } from 'vitest';
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
    assert.equal(lay.kasan, false);
    assert.equal(lay.era, 'v5.7');
    assert.equal(
      lay.regions.some((r) => r.key === 'kasan'),
      false,
    );
    assert.deepEqual(lay, layout(geometry(name), { kasan: false, era: 'v5.7' }));
  });

  property([anyLayout])('a region holds its first byte and its last, not its exclusive end', (lay) => {
    for (const r of lay.regions) {
      assert.equal(regionOf(lay, r.start), r);
      assert.equal(regionOf(lay, r.end - 1), r);
      assert.notEqual(regionOf(lay, r.end), r);
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
    assert.equal(sharedTopEntry(moved).vmallocEntry, vmallocEnd / pgdSize(lay) - 1);
  });

  property([anyLayout])('two neighbouring bytes share every table down to the one whose entries they split', (lay) => {
    const moved = { ...lay, vmemmapStart: lay.vmallocEnd };
    const { tables, shared } = sharedTopEntry(moved);
    assert.ok(shared);
    // VMALLOC_END is 64K-aligned, never 2M-aligned: the two bytes split only at a 64K-or-smaller entry.
    const splitting = lay.geo.levels.filter((l) => lay.vmallocEnd % l.entrySize === 0);
    assert.equal(tables.length, lay.geo.levels.length - splitting.length);
    tables.forEach((t, i) => {
      assert.equal(t.level, lay.geo.levels[i + 1]?.name);
      assert.ok(t.start <= lay.vmallocEnd - 1, `expected ${t.start} <= ${lay.vmallocEnd - 1}`);
      assert.ok(t.start + t.span > lay.vmallocEnd, `expected ${t.start + t.span} > ${lay.vmallocEnd}`);
    });
  });

  property([anyLayout, fc.integer({ min: 1, max: 16 })])(
    'PAGE_END off a PGD boundary is reported as such',
    (lay, pages) => {
      const moved = { ...lay, pageEnd: lay.pageEnd - pages * lay.geo.pageSize };
      assert.ok(linearVmallocSharing(lay).pageEndOnPgdBoundary);
      assert.equal(linearVmallocSharing(moved).pageEndOnPgdBoundary, false);
    },
  );
});
