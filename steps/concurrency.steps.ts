import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import { type Geometry, geometryOptions } from '../src/arch/geometry';
import { sharedTopEntry } from '../src/arch/sharing';
import { type Exploration, explore } from '../src/concurrency/explorer';
import { anyPolicy } from '../src/concurrency/injected';
import { renderCounterexample, renderCounts } from '../src/concurrency/render';
import { type RaceState, raceState } from '../src/concurrency/scenarios';
import {
  essentialSteps,
  type RaceActors,
  raceScenario,
  stepsByActor,
  walkerUseAfterFree,
} from '../src/concurrency/story';
import type { FreeingPolicy } from '../src/hotplug/policy';
import { pgtableRangeAligned, type RangeVerdict } from '../src/hotplug/range-aligned';
import { type TableDecision, vmemmapFree } from '../src/hotplug/remove';
import type { Machine } from '../src/mappings/kernel';
import { raceDiagram } from '../src/present/svg/race-diagram';
import { runToEnd } from '../src/tables/step';
import type { SpecWorld } from './support/world';
import { decisionText } from './teardown.steps';

// Hot-remove racing vmalloc, ptdump and the CPU's walks: every interleaving explored, and what it found.

/** What the concurrency steps of one scenario chose and found. */
interface RaceRecord {
  /** The configuration, with its era and CPU. */
  machine?: Required<Exclude<Machine, string>>;
  state?: RaceState;
  /** The last race explored and what it found. */
  last?: RaceActors;
  explored?: Exploration;
  /** Each race's exploration, for steps that run several. */
  readonly byRace: Map<RaceActors, Exploration>;
  decisions?: readonly TableDecision[];
  verdicts?: { kernel: RangeVerdict; endGtCeiling: RangeVerdict };
}

const records = new WeakMap<SpecWorld, RaceRecord>();

function record(world: SpecWorld): RaceRecord {
  let r = records.get(world);
  if (!r) {
    r = { byRace: new Map() };
    records.set(world, r);
  }
  return r;
}

function explored(world: SpecWorld): Exploration {
  const e = record(world).explored;
  if (!e) throw new Error('no step of this scenario has explored a race yet');
  return e;
}

/** Physical addresses depend on the allocator's order; the tables show the step without them. */
const plain = (line: string): string => line.replace(/\b0x[0-9a-f]{12}\b/g, '…');

function run(world: SpecWorld, actors: RaceActors, policy: FreeingPolicy): Exploration {
  const r = record(world);
  if (!r.machine || !r.state) throw new Error('the scenario has not chosen a race state (Given the … state on …)');
  const scenario = raceScenario(actors, r.machine, policy, r.state);
  const e = explore(scenario);
  world.attach(
    [`${scenario.name}, policy ${policy.name}`, renderCounts(e), ...renderCounterexample(e)].join('\n'),
    'text/plain',
  );
  const c = e.counterexample;
  if (c) {
    const essential = essentialSteps(c).map((s) => s.n);
    world.attach(Buffer.from(raceDiagram(e, essential)), {
      mediaType: 'image/svg+xml',
      fileName: `${scenario.name}, policy ${policy.name}: ${c.violation.kind} in ${c.steps.length} steps.svg`,
    });
  }
  r.byRace.set(actors, e);
  Object.assign(r, { last: actors, explored: e });
  return e;
}

/** What an exploration found; one that ran no interleaving to the end found nothing and says so. */
function found(e: Exploration): string {
  assert.ok(e.schedules > 0, 'the explorer ran no interleaving to the end');
  return e.counterexample?.violation.kind ?? 'no violation';
}

function chooseRace(world: SpecWorld, state: RaceState, geo: Geometry): void {
  Object.assign(record(world), { machine: { config: geo.name, ...geometryOptions(geo) }, state });
}

Given('the {raceState} on {config}', function (this: SpecWorld, state: RaceState, geo: Geometry) {
  chooseRace(this, state, geo);
});

Given('the {raceState} on {machine}', function (this: SpecWorld, state: RaceState, geo: Geometry) {
  chooseRace(this, state, geo);
});

When(
  'every interleaving of hot-remove and {actors} is explored under the policy {freeing}',
  function (this: SpecWorld, actors: RaceActors, policy: FreeingPolicy) {
    run(this, actors, policy);
  },
);

When(
  'hot-remove under the policy {freeing} races vmalloc, ptdump holding mem_hotplug_lock and a CPU, in every interleaving',
  function (this: SpecWorld, policy: FreeingPolicy) {
    for (const actors of ['vmalloc', 'ptdump', 'cpu'] as const) run(this, actors, policy);
  },
);

Then('the explorer finds {outcome}', function (this: SpecWorld, outcome: string) {
  assert.equal(found(explored(this)), outcome);
});

Then('the explorer finds {outcome} after {int} steps', function (this: SpecWorld, outcome: string, steps: number) {
  const e = explored(this);
  assert.deepEqual([found(e), e.counterexample?.steps.length], [outcome, steps]);
});

Then(
  'no interleaving violates a rule; schedules run to the end: {int}, cut short by sleep sets: {int}',
  function (this: SpecWorld, schedules: number, blocked: number) {
    const e = explored(this);
    assert.deepEqual([found(e), e.schedules, e.sleepBlocked], ['no violation', schedules, blocked]);
  },
);

Then(
  'racing vmalloc finds {outcome}, ptdump {outcome}, the CPU {outcome}',
  function (this: SpecWorld, vmalloc: string, ptdump: string, cpu: string) {
    const by = record(this).byRace;
    const kinds = (['vmalloc', 'ptdump', 'cpu'] as const).map((a) => found(by.get(a) as Exploration));
    assert.deepEqual(kinds, [vmalloc, ptdump, cpu]);
  },
);

Then('a race is found: {word}', function (this: SpecWorld, answer: string) {
  const any = [...record(this).byRace.values()].some((e) => e.counterexample);
  assert.equal(any ? 'yes' : 'no', answer);
});

Then(
  '{word} took {int} of those steps and {word} {int}',
  function (this: SpecWorld, a: string, n: number, b: string, m: number) {
    const counts = stepsByActor(explored(this).counterexample?.steps ?? []);
    assert.deepEqual([counts.get(a), counts.get(b)], [n, m]);
  },
);

Then('the counterexample reads:', function (this: SpecWorld, table: DataTable) {
  // The table is the trace: the exploration's own attachment and picture show it, so nothing is attached again.
  const steps = explored(this).counterexample?.steps ?? [];
  assert.deepEqual(
    steps.map((s, i) => [String(i + 1), plain(s.text)]),
    table.rows(),
  );
});

Then('what went wrong reads {string}', function (this: SpecWorld, text: string) {
  const v = explored(this).counterexample?.violation;
  assert.equal(v && plain(`${v.kind}: ${v.detail}`), text);
});

Then('its four essential steps are:', function (this: SpecWorld, table: DataTable) {
  const c = explored(this).counterexample;
  assert.ok(c, 'the exploration found no violation');
  assert.deepEqual(
    walkerUseAfterFree(c).map((s) => [String(s.n), plain(s.step.text)]),
    table.rows(),
  );
});

// The same removal run alone, to show what it does to the table vmalloc shares.

When(
  'the same struct pages are freed alone under the policy {freeing}',
  function (this: SpecWorld, policy: FreeingPolicy) {
    const r = record(this);
    const { k, leaf } = raceState(r.machine as Machine, r.state as RaceState);
    r.decisions = runToEnd(vmemmapFree(k, leaf[0], leaf[1], { policy })).decisions;
  },
);

function sharedDecision(world: SpecWorld): TableDecision | undefined {
  const r = record(world);
  const { k } = raceState(r.machine as Machine, 'constructed');
  const shared = sharedTopEntry(k.layout).tables[0];
  assert.ok(shared, `vmalloc and vmemmap share no table on ${r.machine?.config}`);
  return r.decisions?.find((d) => d.level === shared.level && d.va === shared.start);
}

Then('the shared table is never visited', function (this: SpecWorld) {
  assert.ok(record(this).decisions, 'the struct pages were not freed alone');
  assert.equal(sharedDecision(this), undefined);
});

Then('the shared table is kept: {reason}', function (this: SpecWorld, reason: string) {
  const d = sharedDecision(this);
  assert.ok(d, 'pass 2 did not visit the shared table');
  assert.equal(decisionText(d), reason);
});

// pgtable_range_aligned with the comparison of the injected bug.

When(
  'pgtable_range_aligned, and a copy comparing end > ceiling, are asked about {hex} to {hex} with floor {hex}, ceiling {hex} and mask {hex}',
  function (this: SpecWorld, start: bigint, end: bigint, floor: bigint, ceiling: bigint, mask: bigint) {
    record(this).verdicts = {
      kernel: pgtableRangeAligned(start, end, floor, ceiling, mask),
      endGtCeiling: pgtableRangeAligned(start, end, floor, ceiling, mask, 'end-gt-ceiling'),
    };
  },
);

Then('the kernel says {verdict} and the copy {verdict}', function (this: SpecWorld, kernel: string, copy: string) {
  const v = record(this).verdicts;
  assert.deepEqual([v?.kernel, v?.endGtCeiling], [kernel, copy]);
});

// The same race again under v5.7, as the control of an injected bug.

function rerunUnderV57(world: SpecWorld): Exploration {
  const r = record(world);
  const actors = r.last;
  if (!actors) throw new Error('no step of this scenario has explored a race yet');
  const before = r.explored;
  const control = run(world, actors, anyPolicy('v5.7'));
  r.explored = before;
  return control;
}

Then('under v5.7 the same race finds no violation', function (this: SpecWorld) {
  assert.equal(found(rerunUnderV57(this)), 'no violation');
});

Then("the explorer's counts are those of v5.7", function (this: SpecWorld) {
  const e = explored(this);
  const control = rerunUnderV57(this);
  const counts = (x: Exploration) => [x.schedules, x.sleepBlocked, x.finalStates, x.stepsExecuted];
  assert.deepEqual(counts(e), counts(control));
});
