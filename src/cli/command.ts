import { ModelError } from '../errors';
import type { ArgsSpec, ParsedArgs } from './args';
import { OutputError } from './output';

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes of every subcommand. */
export const EXIT = {
  ok: 0,
  /** The model found a violation of a rule (a leaked table, a use-after-free, …). */
  violation: 1,
  /** The command line or its values were refused; the message is on stderr. */
  badInput: 2,
  /** A bug in the model itself: anything thrown that is not one of the typed errors. */
  internal: 3,
  /** The output could not be written (stdout or a file such as --html: a full disk, a device that refuses writes). */
  output: 4,
} as const;

/** A subcommand: its name, a one-line summary for the global help, its arguments and what it does. */
export interface Command extends ArgsSpec {
  readonly name: string;
  readonly summary: string;
  /** Shown under the usage line of the command's own help. */
  readonly description: string;
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}

/**
 * A refusal as the user sees it: one line on stderr and its exit code (2 for bad input, 4 for output
 * not written); undefined for anything else, which is a bug.
 */
export function refusal(error: unknown, io: Io): number | undefined {
  if (error instanceof ModelError) {
    io.err(`${error.name}: ${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof OutputError) {
    io.err(`${error.name}: ${error.message}\n`);
    return EXIT.output;
  }
  return undefined;
}
