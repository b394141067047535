import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTables, disagreementText } from '../../src/conformance/compare';
import {
  layoutDisagreements,
  type Observation,
  observedGeometry,
  predict,
  stageOf,
  tableChange,
  tablesPerLevel,
} from '../../src/conformance/observation';

// Every run recorded from a real kernel (features/data/real-kernels/, npm run conformance) against the
// model: features/real-kernels/the-design-on-real-kernels.feature shows a few of them.

const DIR = join(__dirname, '..', '..', 'features', 'data', 'real-kernels');
const RUNS = readdirSync(DIR).filter((name) => name.endsWith('.json'));

describe('the model against every recorded run', () => {
  it.each(RUNS)(
    '%s: the same tables at every stage, the same layout, and unplugging frees what plugging brought',
    (name) => {
      const obs = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Observation;
      const geo = observedGeometry(obs);
      const verdicts = predict(obs);
      expect(verdicts.length).toBeGreaterThanOrEqual(12);
      for (const v of verdicts) {
        expect(v.real.length, `${v.placement} ${v.stage}`).toBeGreaterThan(0);
        expect(v.disagreements.map(disagreementText), `${v.placement} ${v.stage}`).toEqual([]);
      }
      expect(layoutDisagreements(obs).map(disagreementText)).toEqual([]);
      for (const placement of new Set(verdicts.map((v) => v.placement))) {
        for (const side of ['real', 'model'] as const) {
          const at = (role: Parameters<typeof stageOf>[2]) => [...stageOf(verdicts, placement, role)[side]];
          const brought = tablesPerLevel(geo, tableChange(at('before'), at('plug')).appeared);
          expect(tablesPerLevel(geo, tableChange(at('online'), at('unplug rest')).gone), `${placement} ${side}`).toBe(
            brought,
          );
          expect(compareTables(geo, at('before'), at('unplug rest')).map(disagreementText)).toEqual([]);
        }
      }
    },
  );
});
