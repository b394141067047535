import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import { type Kva, toKva } from '../src/arch/address';
import type { Geometry } from '../src/arch/geometry';
import { layout } from '../src/arch/layout';
import { compareTables, disagreementText } from '../src/conformance/compare';
import {
  layoutDisagreements,
  modelLayout,
  type Observation,
  observedGeometry,
  predict,
  recordingName,
  type StageRole,
  type StageVerdict,
  stageOf,
  stagesWithout,
  tableChange,
  tablesPerLevel,
} from '../src/conformance/observation';
import type { SeenTable } from '../src/conformance/tables';
import type { SpecWorld } from './support/world';

// Real kernels: runs recorded by `npm run conformance` (features/data/real-kernels/) against the model.

interface RecordedRun {
  readonly obs: Observation;
  readonly geo: Geometry;
  readonly verdicts: readonly StageVerdict[];
}

/** Each recording is read and predicted once per process: several scenarios read the same run. */
const runs = new Map<string, RecordedRun>();
const current = new WeakMap<SpecWorld, RecordedRun>();

function run(world: SpecWorld): RecordedRun {
  const r = current.get(world);
  assert.ok(r, 'a scenario about a real kernel starts with the hot-plug run it reads');
  return r;
}

/** The check on both sides: the kernel's tables and the model's. */
function onBothSides(
  r: RecordedRun,
  check: (side: 'real' | 'model', tablesAt: (role: StageRole) => SeenTable[]) => void,
  placement: string,
): void {
  for (const side of ['real', 'model'] as const) {
    check(side, (role) => [...stageOf(r.verdicts, placement, role)[side]]);
  }
}

Given(
  'the hot-plug run recorded from Linux {word} on a {word} CPU',
  function (this: SpecWorld, kernel: string, cpu: string) {
    const name = recordingName(kernel, cpu);
    let r = runs.get(name);
    if (!r) {
      const obs = JSON.parse(
        readFileSync(join(__dirname, '..', 'features', 'data', 'real-kernels', name), 'utf8'),
      ) as Observation;
      r = { obs, geo: observedGeometry(obs), verdicts: predict(obs) };
      runs.set(name, r);
    }
    current.set(this, r);
  },
);

Then('the kernel ran {machine}', function (this: SpecWorld, geo: Geometry) {
  const { obs, geo: ran } = run(this);
  assert.deepEqual(
    { config: ran.name, era: ran.era, vaBits: ran.vaBits },
    { config: geo.name, era: geo.era, vaBits: geo.vaBits },
    `${obs.release} on ${obs.cpu}`,
  );
});

Then(
  'the model, plugging the same memory blocks in the same era, shows the kernel’s tables at every stage',
  function (this: SpecWorld) {
    const { verdicts } = run(this);
    assert.ok(verdicts.length >= 12, `a run has twelve stages, two placements of six (got ${verdicts.length})`);
    for (const v of verdicts) {
      assert.ok(v.real.length > 0, `${v.placement} ${v.stage}: the kernel showed tables over the region`);
      assert.deepEqual(v.disagreements.map(disagreementText), [], `${v.placement} ${v.stage}`);
    }
  },
);

Then('the layout the kernel reported in VMCOREINFO is the model’s', function (this: SpecWorld) {
  const { obs } = run(this);
  const model = modelLayout(obs);
  const compared = Object.keys(obs.layout).filter((key) => model[key] !== undefined);
  assert.ok(compared.length >= 6, `VMCOREINFO and the model share the layout values (${compared.join(', ')})`);
  assert.deepEqual(layoutDisagreements(obs).map(disagreementText), []);
});

Then(
  'in the {word} placement the plug brought {levelCounts} tables, and onlining changed none, on the kernel and in the model',
  function (this: SpecWorld, placement: string, counts: string) {
    const r = run(this);
    onBothSides(
      r,
      (side, at) => {
        assert.equal(
          tablesPerLevel(r.geo, tableChange(at('before'), at('plug')).appeared),
          counts,
          `${side}: the plug`,
        );
        assert.deepEqual(compareTables(r.geo, at('plug'), at('online')).map(disagreementText), [], `${side}: onlining`);
      },
      placement,
    );
  },
);

Then(
  'in the {word} placement unplugging it all freed {levelCounts} tables, and the tables are those from before the plug, on the kernel and in the model',
  function (this: SpecWorld, placement: string, counts: string) {
    const r = run(this);
    onBothSides(
      r,
      (side, at) => {
        assert.equal(
          tablesPerLevel(r.geo, tableChange(at('online'), at('unplug rest')).gone),
          counts,
          `${side}: freed`,
        );
        assert.deepEqual(
          compareTables(r.geo, at('before'), at('unplug rest')).map(disagreementText),
          [],
          `${side}: left`,
        );
      },
      placement,
    );
  },
);

Then(
  'in the {word} placement unplugging down to a quarter freed {levelCounts} tables, and every table left over the region still maps something, on the kernel and in the model',
  function (this: SpecWorld, placement: string, counts: string) {
    const r = run(this);
    onBothSides(
      r,
      (side, at) => {
        assert.equal(
          tablesPerLevel(r.geo, tableChange(at('online'), at('unplug half')).gone),
          counts,
          `${side}: freed`,
        );
        const empty = at('unplug half').filter((t) => t.live === 0);
        assert.deepEqual(
          empty.map((t) => `${t.level} ${t.start}`),
          [],
          `${side}: tables left mapping nothing`,
        );
      },
      placement,
    );
  },
);

Then(
  'in the {word} placement the {level} table at {hex} spans the end of vmalloc, maps something besides the plugged memory, and stays at every stage, on the kernel and in the model',
  function (this: SpecWorld, placement: string, level: string, at: bigint) {
    const r = run(this);
    const start: Kva = toKva(r.geo, at);
    const table = r.verdicts[0]?.real.find((t) => t.level === level && t.start === start);
    assert.ok(table, `the kernel showed a ${level} table at 0x${at.toString(16)}`);
    const vmallocLast = layout(r.geo).vmallocEnd - 1;
    assert.ok(table.start <= vmallocLast && vmallocLast < table.end, 'its span holds the last address of vmalloc');
    for (const side of ['real', 'model'] as const) {
      assert.deepEqual(
        stagesWithout(r.verdicts, placement, side, table, (t) => t.others > 0),
        [],
        side,
      );
    }
  },
);
