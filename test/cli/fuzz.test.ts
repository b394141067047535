import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { ALL_CONFIGS, ERA_NAMES } from '../../src/arch/era';
import type { OptionSpec } from '../../src/cli/args';
import type { Command } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands/index';
import { RACES } from '../../src/concurrency/story';
import { POLICIES } from '../../src/hotplug/policy';
import { run } from '../support/cli';
import { anyText } from '../support/property';

// The command line as a careless or hostile user types it: every invocation ends with exit code 2 and
// one short line naming the option, the rule and the value, or with a valid result (0, or 1 for a
// violation found); never 3, never a stack trace. Each run stays cheap: an invocation of a command
// that does real work (boots a kernel, explores a race, tells the story) always carries one bad
// value, last, so that it must be refused before the work starts.

/** Values a user might mistype or an attacker might try. */
const HOSTILE = [
  '',
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  '\n',
  'v5.7\nv5.8',
  '\x1b[31mred\x1b[0m',
  'v5.7\u202e',
  'x'.repeat(2500),
  '9'.repeat(400),
  '-1',
  '1X',
  '0x',
  '0xg',
  `0x${'f'.repeat(40)}`,
  'NaN',
  'Infinity',
  '1e9',
  '4K/4\n8',
  '3M',
  '1M',
  '129T',
  '8P',
];
const hostileArb = fc.oneof(fc.constantFrom(...HOSTILE), anyText(60));

/** Output files no command may write: refused before anything is built (a random name would create a file). */
const UNWRITABLE = ['', tmpdir(), '/dev/full', join(tmpdir(), 'no-such-folder', 'story.html')];

/** Values each option accepts. */
const VALID: Readonly<Record<string, readonly string[]>> = {
  config: ALL_CONFIGS,
  policy: Object.keys(POLICIES),
  state: ['constructed', 'real'],
  actors: Object.keys(RACES),
  era: ERA_NAMES,
  region: ['vmemmap', 'fixmap', 'kasan'],
  start: ['0x200000000', '0x100000000', '0x40000000'],
  // a size may carry blanks (parseSize trims them): `2G ` is a size the command accepts, not a bad value
  size: ['1G', '2G', '2G '],
  'boot-size': ['128M', '2G', '2G '],
};

const valueArb = (o: OptionSpec): fc.Arbitrary<string> =>
  o.name === 'html'
    ? fc.constantFrom(...UNWRITABLE)
    : fc.oneof(fc.constantFrom(...(VALID[o.name] ?? ['x'])), hostileArb);

/** One option as the user types it: a flag, `--name value` or `--name=value`. */
const optionArb = (o: OptionSpec): fc.Arbitrary<string[]> =>
  o.value === undefined
    ? fc.constant([`--${o.name}`])
    : fc.tuple(valueArb(o), fc.boolean()).map(([v, inline]) => (inline ? [`--${o.name}=${v}`] : [`--${o.name}`, v]));

/** A stray token: an unknown option, a positional, help, a flag given a value. */
const strayArb = fc.oneof(
  fc.constantFrom('--nope', 'extra', '-h', '--help', '--json=yes', '--', '-'),
  hostileArb.map((s) => `--${s}`),
);

/** The last, bad value of a command that does real work: it must be refused before that work. */
const badLastArb = (c: Command): fc.Arbitrary<string[]> => {
  const values = c.options.filter((o) => o.value !== undefined);
  return fc
    .constantFrom(...values)
    .chain((o) =>
      fc.tuple(
        o.name === 'html' ? fc.constantFrom(...UNWRITABLE) : hostileArb.filter((v) => !VALID[o.name]?.includes(v)),
        fc.constant(o),
      ),
    )
    .map(([v, o]) => [`--${o.name}`, v]);
};

const invocationArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 1, arbitrary: fc.tuple(hostileArb, fc.array(strayArb, { maxLength: 2 })).map(([s, rest]) => [s, ...rest]) },
  {
    weight: 9,
    arbitrary: fc.constantFrom(...COMMANDS).chain((c) =>
      fc
        .tuple(
          fc.array(
            fc.oneof(
              fc.constantFrom(...c.options).chain(optionArb),
              strayArb.map((s) => [s]),
            ),
            {
              maxLength: 4,
            },
          ),
          c.name === 'layout' ? fc.constant([]) : badLastArb(c),
          fc.boolean(),
        )
        .map(([options, last, named]) => [
          ...(named || c.name === 'layout' ? [c.name] : []),
          ...options.flat(),
          ...last,
        ]),
    ),
  },
);

describe('the command line, fuzzed', () => {
  it('ends every invocation with a valid result or exit code 2 and one short line naming what was refused', async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(invocationArb, async (argv) => {
        const { code, out, err } = await run(...argv);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        assert.ok([0, 1, 2].includes(code), `exit code ${code}`);
        assert.doesNotMatch(err, /\n\s+at /);
        if (code !== 2) return;
        assert.equal(out, '');
        assert.match(err, /^[A-Z][A-Za-z]*Error: [^\n]+\n$/);
        assert.ok(err.length < 400, `expected ${err.length} < 400`);
        // the option whose value broke the rule, or the token that is no option or subcommand
        assert.match(
          err,
          /^\w+: (--[a-z0-9-]+: |unknown option|unknown subcommand|unexpected argument|a flag takes no value|an option needs a value)/,
        );
      }),
      { numRuns: 1000 },
    );
    // both outcomes were reached: refusals and valid results
    assert.ok((codes.get(2) ?? 0) > 0, 'no refusal (exit 2)');
    assert.ok((codes.get(0) ?? 0) > 0, 'no valid result (exit 0)');
  });
});
