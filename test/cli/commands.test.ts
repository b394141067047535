import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands/index';
import { run } from '../support/cli';

describe('every subcommand', () => {
  it('is one of layout, dump, add, remove, race, story', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['layout', 'dump', 'add', 'remove', 'race', 'story']);
  });

  it.each(COMMANDS.map((c) => c.name))('%s shows its help with --help and offers --json', async (name) => {
    const { code, out } = await run(name, '--help');
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(new RegExp(`^Usage: npm start -- ${name} \\[options\\]`));
    expect(out).toMatch(/\n {2}--json +\S/);
    expect(out).toMatch(/\n {2}-h, --help +show this help/);
  });

  it.each(COMMANDS.map((c) => c.name))('%s refuses an unknown option with exit code 2', async (name) => {
    const { code, out, err } = await run(name, '--frobnicate');
    expect([code, out]).toEqual([EXIT.badInput, '']);
    expect(err).toMatch(/^UsageError: unknown option: known: .*--json.*--help \(option=--frobnicate\)/);
  });

  it('exit codes are 0 ok, 1 violation, 2 bad input, 3 internal error, 4 output not written, as the global help says', async () => {
    expect(EXIT).toEqual({ ok: 0, violation: 1, badInput: 2, internal: 3, output: 4 });
    expect((await run('--help')).out).toContain(
      'Exit codes: 0 ok, 1 a violation was found, 2 bad input, 3 internal error, 4 output not written.',
    );
  });
});
