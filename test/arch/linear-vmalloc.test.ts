import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { fromKva } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { LAYOUT_ERAS, layout } from '../../src/arch/layout';
import { linearVmallocSharing } from '../../src/arch/sharing';
import { property } from '../support/property';

/*
 * The manual's own derivation (the thread only called it negligible): the linear map and vmalloc never
 * hang off the same PGD entry, so no table page below the PGD maps both. PAGE_END is a multiple of
 * PGDIR_SIZE, and vmalloc lies above it. Checked here from the 64-bit addresses themselves.
 * From v5.11 on, KASAN's shadow moves inside [PAGE_OFFSET, _PAGE_END(VA_BITS_MIN)) and PAGE_END becomes
 * its start: on 16K/48 (two 128 TiB PGD entries) that start is no PGD boundary, yet the shadow and
 * the modules still lie between the linear map and vmalloc.
 */

const layouts = SUPPORTED_CONFIGS.flatMap((config) =>
  Object.keys(LAYOUT_ERAS).flatMap((era) =>
    [false, true].map((kasan) => ({ name: `${config} ${era}${kasan ? ' KASAN' : ''}`, config, era, kasan })),
  ),
);

/** The PGD index of a 64-bit kernel address, from its bits: (va >> PGDIR_SHIFT) mod PTRS_PER_PGD. */
function pgdIndexOf(geoName: string, va: bigint): bigint {
  const top = geometry(geoName).levels[0];
  if (!top) throw new Error('no PGD');
  return (va >> BigInt(top.shift)) & BigInt(top.entries - 1);
}

describe('the linear map shares no PGD entry, hence no table, with vmalloc', () => {
  it.each(layouts)(
    '$name: PAGE_END is a PGD boundary and vmalloc begins in a later entry',
    ({ config, era, kasan }) => {
      const lay = layout(geometry(config), { era, kasan });
      const top = geometry(config).levels[0]?.entrySize ?? 0;
      const pageEnd = fromKva(lay.geo, lay.pageEnd);
      const shadowInside = kasan && era !== 'v5.7' && config === '16K/48';
      assert.equal(pageEnd % BigInt(top) === 0n, !shadowInside);
      const sharing = linearVmallocSharing(lay);
      assert.equal(sharing.pageEndOnPgdBoundary, !shadowInside);
      assert.deepEqual(sharing.tables, []);
      assert.equal(sharing.lastLinearEntry, Number(pgdIndexOf(config, pageEnd - 1n)));
      assert.equal(sharing.firstVmallocEntry, Number(pgdIndexOf(config, fromKva(lay.geo, lay.vmallocStart))));
      assert.ok(
        sharing.firstVmallocEntry > sharing.lastLinearEntry,
        `expected ${sharing.firstVmallocEntry} > ${sharing.lastLinearEntry}`,
      );
    },
  );

  for (const { name, config, era, kasan } of layouts) {
    const lay = layout(geometry(config), { era, kasan });
    const linear = fc.integer({ min: lay.pageOffset, max: lay.pageEnd - 1 });
    const vmalloc = fc.integer({ min: lay.vmallocStart, max: lay.vmallocEnd - 1 });
    property([linear, vmalloc], { numRuns: 200 })(
      `${name}: any linear-map address and any vmalloc address hang off different PGD entries`,
      (a, b) => {
        const [ia, ib] = [a, b].map((kva) => pgdIndexOf(config, fromKva(lay.geo, kva)));
        assert.ok((ia as bigint) < (ib as bigint), `expected ${ia} < ${ib}`);
      },
    );
  }
});
