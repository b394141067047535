import { geometry, geometryOptions } from '../../arch/geometry';
import { type Exploration, explore } from '../../concurrency/explorer';
import { anyPolicy, INJECTED_BUGS } from '../../concurrency/injected';
import { renderCounterexample, renderCounts } from '../../concurrency/render';
import type { RaceState } from '../../concurrency/scenarios';
import { RACES, raceScenario } from '../../concurrency/story';
import { POLICIES } from '../../hotplug/policy';
import { checked } from '../args';
import { type Command, EXIT } from '../command';
import { KERNEL_OPTIONS, kernelGeometry } from './kernel-input';

/** What `race` explored and found. */
export interface RaceRun {
  readonly config: string;
  readonly policy: string;
  readonly state: RaceState;
  readonly actors: string;
  readonly exploration: Exploration;
}

export interface RaceRequest {
  readonly config: string;
  /** The era (default v5.7) and whether the CPU offers 52-bit VA (default yes). */
  readonly era?: string;
  readonly lpa2?: boolean;
  readonly policy: string;
  readonly state: string;
  readonly actors: string;
}

/** Builds the race and explores every interleaving of it; a refusal names the option whose value broke a rule. */
export function race(req: RaceRequest): RaceRun {
  const geo = checked(['config', 'era', 'lpa2'], () => geometry(req.config, { era: req.era, lpa2: req.lpa2 }));
  const policy = checked('policy', () => anyPolicy(req.policy));
  const machine = { config: geo.name, ...geometryOptions(geo) };
  const scenario = checked(['state', 'actors'], () =>
    raceScenario(req.actors, machine, policy, req.state as RaceState),
  );
  return {
    config: req.config,
    policy: policy.name,
    state: req.state as RaceState,
    actors: req.actors,
    exploration: explore(scenario),
  };
}

/** The text report: the race, the explorer's counts, then the counterexample as numbered lines or "no violation". */
export function raceText(run: RaceRun): string {
  const e = run.exploration;
  const c = e.counterexample;
  const verdict = c
    ? [`counterexample (${c.steps.length} steps, a shortest one):`, ...renderCounterexample(e)]
    : [
        `no violation: every interleaving explored, ${e.schedules} schedules run to the end and ${e.sleepBlocked} cut short`,
      ];
  return `${[`${e.scenario}, policy ${run.policy}`, `explored: ${renderCounts(e)}`, '', ...verdict].join('\n')}\n`;
}

/** The JSON document: the race, the counts, and the counterexample's steps (null when none). */
export function raceJson(run: RaceRun) {
  const e = run.exploration;
  const c = e.counterexample;
  return {
    config: run.config,
    policy: run.policy,
    state: run.state,
    actors: run.actors,
    scenario: e.scenario,
    schedules: e.schedules,
    sleepBlocked: e.sleepBlocked,
    finalStates: e.finalStates,
    stepsExecuted: e.stepsExecuted,
    millis: Math.round(e.millis),
    violation: c ? c.violation : null,
    counterexample: c ? c.steps.map((s, i) => ({ step: i + 1, actor: s.actor, op: s.op, text: s.text })) : null,
  };
}

/** `race`: every interleaving of hot-remove against another actor, and the shortest schedule that goes wrong. */
export const raceCommand: Command = {
  name: 'race',
  summary: 'every interleaving of hot-remove and vmalloc, ptdump or a CPU: a counterexample or none',
  description:
    'Runs hot-remove (vmemmap_free of one leaf of struct pages, under mem_hotplug_lock) against another\n' +
    'actor, trying every interleaving of their steps up to swapping independent ones (sleep sets), and\n' +
    'prints the shortest schedule that breaks a rule, one numbered step per line, or "no violation"\n' +
    "with the explorer's counts. The constructed state is a bare kernel in which nothing of boot pins\n" +
    'the table vmalloc shares with vmemmap; the real state is the v5.7 boot state.\n' +
    'Exit code 1 if a violation was found.',
  options: [
    ...KERNEL_OPTIONS,
    {
      name: 'policy',
      value: 'P',
      default: 'v5.7',
      help: `table-freeing policy: ${Object.keys(POLICIES).join(', ')}; or an injected bug: ${Object.keys(INJECTED_BUGS).join(', ')}`,
    },
    { name: 'state', value: 'S', default: 'constructed', help: 'initial state: constructed or real' },
    { name: 'actors', value: 'A', default: 'vmalloc', help: `who races hot-remove: ${Object.keys(RACES).join(', ')}` },
    { name: 'json', help: 'print a JSON document instead of text' },
  ],
  run(args, io) {
    const geo = kernelGeometry(args);
    const run = race({
      config: geo.name,
      ...geometryOptions(geo),
      policy: args.values.get('policy') ?? '',
      state: args.values.get('state') ?? '',
      actors: args.values.get('actors') ?? '',
    });
    io.out(args.flags.has('json') ? `${JSON.stringify(raceJson(run), null, 2)}\n` : raceText(run));
    return run.exploration.counterexample ? EXIT.violation : EXIT.ok;
  },
};
