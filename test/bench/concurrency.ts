import { hotRemoveActor, ptdumpActor, vmallocActor } from '../../src/concurrency/actors';
import { explore, type Scenario } from '../../src/concurrency/explorer';
import { raceState, vmallocTop } from '../../src/concurrency/scenarios';
import { multinomial, naiveSchedules, soloPrograms } from '../../src/concurrency/story';

/*
 * Benchmark: the exhaustive exploration of hot-remove ‖ vmalloc ‖ ptdump, eight steps each, policy v5.7.
 * 64K/42 (two levels) in the constructed state is where each program fits in eight steps without
 * cutting it short: hot-remove is vmemmap_free of the 64K page of struct pages at VMEMMAP_START (lock,
 * two reads, clear, TLBI, free, the pass-2 read of the PGD entry, unlock; its PTE table starts below
 * VMEMMAP_START and is kept); vmalloc maps one page at the top of the vmalloc space (allocate, read the
 * PGD entry, allocate a PTE table, lock, re-check, install, unlock, write the PTE); ptdump walks the
 * removed struct pages' PTEs. Two variants: the debugfs ptdump holding mem_hotplug_lock and the W+X check
 * walking without it, as both did in v5.7 (nothing it reads is freed here, so the search is exhaustive there too).
 *
 * Naive enumeration of the same space: every order of the three programs that the locks allow,
 * counted from each program run alone (naiveSchedules; no actor's steps depend on another's here),
 * and the unconstrained multinomial (24)! / (8!)³. Reduction = naive / runs, where runs counts the
 * schedules run to the end and those cut short by sleep sets. Goals: under 10 s, reduction ≥ 10.
 */

const CONFIG = '64K/42';
const STEPS = 8;
const GOAL_MILLIS = 10_000;
const GOAL_REDUCTION = 10;

function scenario(ptdumpLocked: boolean): Scenario {
  const { k, leaf } = raceState(CONFIG, 'constructed');
  const page = k.geo.pageSize;
  // ptdump's own steps: the lock and its release, the PGD entry, then one PTE per page.
  const pages = ptdumpLocked ? STEPS - 3 : STEPS - 1;
  return {
    name: `hot-remove ‖ vmalloc ‖ ${ptdumpLocked ? 'ptdump holding' : 'ptdump_check_wx without'} mem_hotplug_lock on ${CONFIG}`,
    initial: k,
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy: 'v5.7' }),
      vmallocActor(c, vmallocTop(c), page),
      ptdumpActor(c, leaf[0], leaf[0] + pages * page, ptdumpLocked ? 'ptdump' : 'ptdump_check_wx'),
    ],
  };
}

function measure(ptdumpLocked: boolean) {
  const s = scenario(ptdumpLocked);
  const programs = soloPrograms(s);
  const steps = programs.map((p) => p.length);
  if (steps.some((n) => n > STEPS)) throw new Error(`a program is longer than ${STEPS} steps: ${steps.join(', ')}`);
  const naive = naiveSchedules(programs);
  const e = explore(s);
  const runs = e.schedules + e.sleepBlocked;
  return {
    scenario: s.name,
    stepsPerActor: steps,
    millis: Math.round(e.millis),
    schedules: e.schedules,
    cutShortBySleepSets: e.sleepBlocked,
    stepsExecuted: e.stepsExecuted,
    violation: e.counterexample?.violation.kind ?? null,
    naiveSchedules: Number(naive),
    multinomial: Number(multinomial(steps)),
    reduction: Math.round(Number(naive) / runs),
  };
}

export function concurrencyBench(): object {
  const variants = [measure(true), measure(false)];
  for (const v of variants) {
    console.log(
      `${v.scenario}: ${v.schedules} schedules + ${v.cutShortBySleepSets} cut short in ${v.millis} ms; ` +
        `naive ${v.naiveSchedules} (multinomial ${v.multinomial}); ${v.reduction}× fewer`,
    );
  }
  const millis = variants.reduce((sum, v) => sum + v.millis, 0);
  const reduction = Math.min(...variants.map((v) => v.reduction));
  return {
    config: CONFIG,
    policy: 'v5.7',
    variants,
    millis,
    goalMillis: GOAL_MILLIS,
    goalReduction: GOAL_REDUCTION,
    goalsMet: millis < GOAL_MILLIS && reduction >= GOAL_REDUCTION,
  };
}
