import type { Io } from '../../src/cli/command';
import { main } from '../../src/cli/program';

/** Runs the CLI in-process with captured output: its exit code, stdout and stderr. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}
