import { loadavg } from 'node:os';
import { type Exploration, explore } from '../../src/concurrency/explorer';
import type { RaceState } from '../../src/concurrency/scenarios';
import { buildScenario, type ScenarioSpec } from '../../src/concurrency/spec';
import { multinomial, naiveSchedules, soloPrograms } from '../../src/concurrency/story';
import { ExplorationPool } from '../../src/concurrency/workers';

/*
 * Benchmark: the exploration of hot-remove ‖ vmalloc ‖ ptdump with each actor's whole program, policy
 * v5.7, on 4K/48 and 64K/42, in the constructed and the real state (scenarios.ts, hotAddedState):
 * hot-remove is vmemmap_free of one whole section's struct pages (1 GiB in v5.7: 8 PMD blocks on 4K, 16
 * pages on 64K; both passes, under mem_hotplug_lock), vmalloc maps one page at the top of the vmalloc
 * space, and ptdump walks the section's vmemmap. Two walkers: the debugfs ptdump holding
 * mem_hotplug_lock, explored without bound, and the W+X check walking without it. The W+X check's reads
 * interleave with every clear of the tables it walks, and its space is too large to explore whole in a
 * benchmark (4K/48, constructed state, measured once: the freed-while-held of 58 steps, after 574 535
 * schedules + 1 295 161 cut short and 108 M steps, 456 s in two workers on a machine whose load was 7 —
 * an earlier division, whose workers did not share the rank found, so they pruned less; 64K/42, real
 * state: not finished in 20 minutes in two workers, load 8): it is explored within PREEMPTIONS preemptions.
 *
 * Each exploration runs twice: in this thread (explore) and in WORKERS worker threads (ExplorationPool,
 * started once for all: a busy worker gives subtrees to an idle one). `sameAsSingle` says whether both
 * found the same: every count without a violation, the counterexample with one (with one, the workers
 * prune less — a worker does not know what another found — so their counts are higher). CPU time is the
 * process's, all threads: `coresUsedSharded` below WORKERS means the workers did not get the cores (the
 * load average before and after is reported). Naive enumeration of the same space: every order of the
 * three programs that the locks allow (naiveSchedules, from each program run alone; within the bound for
 * the bounded walker) and the unconstrained multinomial (Σn)! / Π(nᵢ!). Reduction = naive / runs, runs
 * being the schedules run to the end or cut short by sleep sets. Figures only; nothing is asserted.
 */

const CONFIGS = ['4K/48', '64K/42'] as const;
const STATES: readonly RaceState[] = ['constructed', 'real'];
const PREEMPTIONS = 3;
const WORKERS = 2;

/** What the two explorations must agree on: every count without a violation, the counterexample with one. */
function agreed(e: Exploration): unknown {
  const c = e.counterexample;
  return c ? c : [e.schedules, e.sleepBlocked, e.finalStates, e.stepsExecuted];
}

async function measure(spec: ScenarioSpec, pool: ExplorationPool) {
  const scenario = buildScenario(spec);
  const programs = soloPrograms(scenario);
  const steps = programs.map((p) => p.length);
  const naive = naiveSchedules(programs);
  const naiveBounded = spec.preemptions === undefined ? naive : naiveSchedules(programs, spec.preemptions);
  const cpuStart = process.cpuUsage();
  const single = explore(scenario);
  const cpuMiddle = process.cpuUsage();
  const sharded = await pool.explore(spec);
  const cpuSingle = cpuMillis(process.cpuUsage(cpuStart)) - cpuMillis(process.cpuUsage(cpuMiddle));
  const cpuSharded = cpuMillis(process.cpuUsage(cpuMiddle));
  const runs = single.schedules + single.sleepBlocked;
  const c = single.counterexample;
  return {
    scenario: scenario.name,
    preemptionBound: spec.preemptions ?? null,
    stepsPerActor: steps,
    schedules: single.schedules,
    cutShortBySleepSets: single.sleepBlocked,
    finalStates: single.finalStates,
    stepsExecuted: single.stepsExecuted,
    violation: c ? `${c.violation.kind} after ${c.steps.length} steps` : null,
    naiveSchedules: Number(naive),
    naiveWithinBound: Number(naiveBounded),
    multinomial: Number(multinomial(steps)),
    reduction: Number(naiveBounded) / runs,
    workers: sharded.workers,
    subtrees: sharded.subtrees,
    largestSubtreeShare: sharded.largestSubtreeSteps / sharded.stepsExecuted,
    shardedStepsExecuted: sharded.stepsExecuted,
    shardedSchedules: sharded.schedules,
    shardedCutShort: sharded.sleepBlocked,
    sameAsSingle: JSON.stringify(agreed(single)) === JSON.stringify(agreed(sharded)),
    millisSingle: Math.round(single.millis),
    millisSharded: Math.round(sharded.millis),
    speedUp: single.millis / sharded.millis,
    cpuMillisSingle: Math.round(cpuSingle),
    cpuMillisSharded: Math.round(cpuSharded),
    coresUsedSharded: cpuSharded / sharded.millis,
  };
}

/** CPU time of the whole process, every thread: what the workers got of the machine's cores. */
const cpuMillis = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

const round = (x: number, digits = 2): number => Number(x.toPrecision(digits + 1));

export async function concurrencyBench(): Promise<object> {
  const loadBefore = loadavg()[0] as number;
  const variants: Awaited<ReturnType<typeof measure>>[] = [];
  const pool = new ExplorationPool(WORKERS);
  for (const machine of CONFIGS) {
    for (const state of STATES) {
      for (const spec of [
        { machine, state, policy: 'v5.7', section: 'ptdump' },
        { machine, state, policy: 'v5.7', section: 'ptdump_check_wx', preemptions: PREEMPTIONS },
      ] as const) {
        const v = await measure(spec, pool);
        console.log(
          `${v.scenario}${v.preemptionBound === null ? '' : `, at most ${v.preemptionBound} preemptions`}: ` +
            `steps ${v.stepsPerActor.join('+')}; ${v.schedules} schedules + ${v.cutShortBySleepSets} cut short, ` +
            `${v.finalStates} final state(s), ${v.stepsExecuted} steps, ${v.violation ?? 'no violation'}; ` +
            `naive ${v.naiveWithinBound.toPrecision(3)} (all orders ${v.naiveSchedules.toPrecision(3)}), ` +
            `${v.reduction.toPrecision(3)}× fewer; ${v.millisSingle} ms in one thread, ${v.millisSharded} ms in ` +
            `${v.workers} workers (${v.subtrees} subtrees), ×${v.speedUp.toFixed(2)}, ` +
            `${v.coresUsedSharded.toFixed(2)} cores used` +
            `${v.sameAsSingle ? '' : ' — SHARDED DIFFERS'}`,
        );
        variants.push({
          ...v,
          reduction: round(v.reduction),
          largestSubtreeShare: round(v.largestSubtreeShare),
          speedUp: round(v.speedUp),
          coresUsedSharded: round(v.coresUsedSharded),
        });
      }
    }
  }
  await pool.close();
  const sum = (f: (v: (typeof variants)[number]) => number) => variants.reduce((n, v) => n + f(v), 0);
  return {
    policy: 'v5.7',
    workers: WORKERS,
    preemptionBoundWithoutLock: PREEMPTIONS,
    loadAverageBefore: round(loadBefore),
    loadAverageAfter: round(loadavg()[0] as number),
    variants,
    millisSingle: sum((v) => v.millisSingle),
    millisSharded: sum((v) => v.millisSharded),
    speedUp: round(sum((v) => v.millisSingle) / sum((v) => v.millisSharded)),
    allSameAsSingle: variants.every((v) => v.sameAsSingle),
  };
}
