import { describe, expect, it } from 'vitest';
import { hotAddedState } from '../../src/concurrency/scenarios';
import { buildScenario, type ScenarioSpec } from '../../src/concurrency/spec';
import { soloPrograms } from '../../src/concurrency/story';
import { ConfigError } from '../../src/errors';
import { vmemmapLeafLevel } from '../../src/mappings/vmemmap';
import { translate } from '../../src/tables/walker';

describe('buildScenario', () => {
  it.each([
    ['4K/48', 'constructed', 8],
    ['64K/42', 'real', 16],
  ] as const)(
    'runs whole programs on %s (%s state): hot-remove unmaps all %i leaves of the section’s struct pages, ptdump reads each',
    (machine, state, leaves) => {
      const spec: ScenarioSpec = { section: 'ptdump', machine, policy: 'v5.7', state };
      const scenario = buildScenario(spec);
      const { vmemmap } = hotAddedState(machine, state);
      const leaf = vmemmapLeafLevel(scenario.initial);
      const size = leaf.entrySize;
      const starts = Array.from({ length: (vmemmap[1] - vmemmap[0]) / size }, (_, i) => vmemmap[0] + i * size);
      expect(starts).toHaveLength(leaves);
      expect(starts.every((va) => translate(scenario.initial.pt, va) >= 0)).toBe(true);
      const k = scenario.initial.clone();
      const [remove, , walker] = scenario.actors(k);
      for (let n = remove?.program.next(); n && !n.done; n = remove?.program.next());
      expect(starts.filter((va) => translate(k.pt, va) >= 0)).toEqual([]);
      const [, , reads] = soloPrograms(scenario);
      expect(reads?.filter((s) => s.op === 'read' && s.text.includes(` ${leaf.name}[`))).toHaveLength(leaves);
      expect(walker?.name).toBe('ptdump');
    },
  );

  it('applies a preemption bound, and refuses a bound or a walker it does not know', () => {
    const spec: ScenarioSpec = { race: 'cpu', machine: '4K/48', policy: 'v5.7', state: 'real', preemptions: 2 };
    expect(buildScenario(spec).preemptions).toBe(2);
    expect(() => buildScenario({ ...spec, preemptions: -1 })).toThrow(ConfigError);
    expect(() => buildScenario({ ...spec, preemptions: 1.5 })).toThrow(ConfigError);
    const walker = 'kswapd' as 'ptdump';
    expect(() => buildScenario({ section: walker, machine: '4K/48', policy: 'v5.7', state: 'real' })).toThrow(
      ConfigError,
    );
  });
});
