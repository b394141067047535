import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command';
import { finishOutput, OutputError, openOutput } from '../../src/cli/output';
import { loaderSource } from '../../src/loader-source';

describe('output the environment does not take', () => {
  it('an output file gets its head before the work and the rest after it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'output-')), 'page.html');
    const file = openOutput('html', path, '<!DOCTYPE html>\n');
    expect(readFileSync(path, 'utf8')).toBe('<!DOCTYPE html>\n');
    finishOutput(file, '<!DOCTYPE html>\n<html></html>\n');
    expect(readFileSync(path, 'utf8')).toBe('<!DOCTYPE html>\n<html></html>\n');
  });

  it('a write that fails after the work is an OutputError naming the file and the system error', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'output-')), 'page.html');
    closeSync(openSync(path, 'w'));
    const readOnly = { path, fd: openSync(path, 'r'), head: '' };
    expect(() => finishOutput(readOnly, 'text')).toThrow(OutputError);
  });

  it('`layout > /dev/full`: one line on stderr, exit code 4, no stack trace', () => {
    const full = openSync('/dev/full', 'w');
    // `node main.ts layout`, main.ts compiled as the model's workers compile it (ts-node would load TypeScript)
    const main = resolve('src/cli/main.ts');
    const child = spawnSync(process.execPath, ['-e', loaderSource(main), main, 'layout'], {
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
    });
    closeSync(full);
    expect(child.status).toBe(EXIT.output);
    expect(child.stderr).toBe('OutputError: cannot write stdout: ENOSPC: no space left on device\n');
  });
});
