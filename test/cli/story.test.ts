import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storyExitCode } from '../../src/cli/commands/story';
import type { Story } from '../../src/present/story';
import { run } from '../support/cli';

describe('story, what npm start runs with no subcommand', () => {
  it('with no subcommand: --json prints the story, --html writes the page, --progress one line per exploration', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'story-')), 'story.html');
    const { code, out, err } = await run('--json', '--html', file, '--progress');
    expect(code).toBe(0);
    const story = JSON.parse(out) as Story;
    expect([story.config, story.problems]).toEqual(['4K/48', []]);
    expect(story.removals.map((r) => r.policy)).toEqual(['v5.7', 'range', 'empty-only', 'v7', 'x86', 'never']);
    const lines = err.trimEnd().split('\n');
    expect(lines).toHaveLength(story.races.length);
    expect(lines[0]).toBe(
      `exploring 1/${story.races.length}: vmemmap_free ‖ vmalloc on 4K/48 (constructed state), policy v5.7`,
    );
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<h1>Memory hot-remove on arm64, Linux v5.7, 4K/48');
    expect(html.match(/<figure>/g)?.length).toBeGreaterThan(story.removals.length);
  });

  it.each([
    ['a directory', tmpdir()],
    ['an empty path', ''],
    ['a folder that does not exist', join(tmpdir(), 'no-such-folder', 'story.html')],
    ['a device that takes nothing', '/dev/full'],
  ])('refuses --html to %s with exit code 2, before the story is built', async (_why, path) => {
    const { code, out, err } = await run('story', '--html', path, '--progress');
    expect([code, out]).toEqual([2, '']);
    // one line, and no "exploring" line before it: nothing was built
    expect(err).toMatch(/^UsageError: --html: the output file must be writable: E[A-Z]+: [^\n]+ \(html=[^\n]*\)\n$/);
  });

  it('shows its options with --help, and refuses an unknown one with exit code 2', async () => {
    const help = await run('story', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--html FILE', '--json', '--progress']) expect(help.out).toContain(option);
    const bad = await run('story', '--config', '4K/39');
    expect([bad.code, bad.out]).toEqual([2, '']);
    expect(bad.err).toMatch(/^UsageError: unknown option/);
  });

  it('is the default the global help names, beside layout, dump, add, remove', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toContain('Without a subcommand: story, the whole story on 4K/48');
    for (const name of ['layout', 'dump', 'add', 'remove', 'story'])
      expect(out).toMatch(new RegExp(`\\n {2}${name} +\\S`));
  });

  it('exits 1 when v5.7 as merged left a table behind, broke an invariant or lost a race', () => {
    expect(storyExitCode({ problems: [] } as unknown as Story)).toBe(0);
    expect(storyExitCode({ problems: ['v5.7 left 1 tables behind'] } as unknown as Story)).toBe(1);
  });
});
