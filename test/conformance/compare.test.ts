import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { compareTables, disagreementText } from '../../src/conformance/compare';
import { type SeenTable, tablesOver } from '../../src/conformance/tables';
import { archAddMemory } from '../../src/hotplug/add';
import { sectionVmemmap } from '../../src/hotplug/remove';
import { freshKernel, GiB } from '../support/kernels';

/** The tables over one hot-added section's linear map and struct pages, on a fresh small kernel. */
function tablesOfASection(config: string): { geo: ReturnType<typeof freshKernel>['geo']; tables: SeenTable[] } {
  const k = freshKernel(config);
  archAddMemory(k, 4 * GiB, GiB);
  const [vStart, vEnd] = sectionVmemmap(k, k.sectionOf(4 * GiB));
  const tables = tablesOver(k.pt, [
    { start: k.linearVa(4 * GiB), end: k.linearVa(5 * GiB) },
    { start: vStart, end: vEnd },
  ]);
  return { geo: k.geo, tables };
}

describe('comparing the real kernel’s tables with the model’s', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: the same tables agree; each kind of change is named once',
    (config) => {
      const { geo, tables } = tablesOfASection(config);
      assert.deepEqual(compareTables(geo, tables, tables), []);
      fc.assert(
        fc.property(fc.nat(tables.length - 1), fc.constantFrom('drop', 'pages', 'outside'), (at, change) => {
          const t = tables[at] as SeenTable;
          const changed: SeenTable[] =
            change === 'drop'
              ? tables.filter((_, i) => i !== at)
              : tables.map((u, i) =>
                  i !== at
                    ? u
                    : change === 'pages'
                      ? { ...u, inside: { ...u.inside, pages: u.inside.pages + 1 } }
                      : { ...u, others: u.others > 0 ? 0 : 1 },
                );
          const found = compareTables(geo, tables, changed);
          assert.equal(found.length, 1);
          const what = { drop: 'table', pages: 'pages in the range', outside: 'maps outside the range too' }[change];
          assert.equal(found[0]?.what, what);
          const text = disagreementText(found[0] as (typeof found)[number]);
          assert.ok(text.includes(t.level), text);
          // The other way round: the model has a table the kernel does not.
          if (change === 'drop') expect(compareTables(geo, changed, tables)[0]).toMatchObject({ real: 'absent' });
        }),
        { numRuns: 50 },
      );
    },
  );
});
