import { ConfigError } from '../errors';
import type { Machine } from '../mappings/kernel';
import type { PtdumpWalker } from './actors';
import type { Scenario } from './explorer';
import { anyPolicy } from './injected';
import { type RaceState, sectionRace } from './scenarios';
import { raceScenario } from './story';

/**
 * A scenario as data that a worker thread can receive (a Scenario holds closures and a kernel): a race of
 * the catalogue by its actors, or the full-length race of one section against a ptdump walker; the
 * policy by name (a policy of the model or an injected bug), and an optional preemption bound.
 */
export type ScenarioSpec = {
  readonly machine: Machine;
  readonly policy: string;
  readonly state: RaceState;
  readonly preemptions?: number;
} & ({ readonly race: string } | { readonly section: PtdumpWalker });

const WALKERS: readonly string[] = ['ptdump', 'ptdump_check_wx'] satisfies PtdumpWalker[];

/** The scenario a spec describes: the same for every thread that builds it. */
export function buildScenario(spec: ScenarioSpec): Scenario {
  const { preemptions } = spec;
  if (preemptions !== undefined && !(Number.isInteger(preemptions) && preemptions >= 0)) {
    throw new ConfigError('a preemption bound is a whole number, zero or more', { preemptions });
  }
  if ('section' in spec && !WALKERS.includes(spec.section)) {
    throw new ConfigError(
      'a section races one of the ptdump walkers',
      { walker: spec.section },
      `known: ${WALKERS.join(', ')}`,
    );
  }
  const policy = anyPolicy(spec.policy);
  const scenario =
    'race' in spec
      ? raceScenario(spec.race, spec.machine, policy, spec.state)
      : sectionRace(spec.machine, policy, spec.section, spec.state);
  return preemptions === undefined ? scenario : { ...scenario, preemptions };
}
