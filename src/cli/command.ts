import type { ArgsSpec, ParsedArgs } from './args';

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
} as const;

/** A subcommand: its name, a one-line summary for the global help, its arguments and what it does. */
export interface Command extends ArgsSpec {
  readonly name: string;
  readonly summary: string;
  /** Shown under the usage line of the command's own help. */
  readonly description: string;
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}
