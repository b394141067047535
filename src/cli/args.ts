import { ModelError } from '../errors';

/** A command line the CLI cannot accept: unknown subcommand or option, missing value, stray argument. */
export class UsageError extends ModelError {}

/** One `--name` option of a subcommand. */
export interface OptionSpec {
  /** Without the leading dashes, e.g. `config`. */
  readonly name: string;
  /** Placeholder for the value (`C`); absent for a flag. */
  readonly value?: string;
  /** Value used when the option is not given. */
  readonly default?: string;
  readonly help: string;
}

/** What a subcommand declares about its command line. */
export interface ArgsSpec {
  readonly options: readonly OptionSpec[];
  /** Names of positional arguments, in order (none by default). */
  readonly positionals?: readonly string[];
}

export interface ParsedArgs {
  /** `-h` or `--help` was given. */
  readonly help: boolean;
  /** Option values, defaults applied. */
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

/**
 * Runs the check of an option's value (or the work that checks it); a refusal names the option, as
 * `--size: memory is …`. With several options, the one named is the first whose name is among the
 * refusal's values (a refusal of `state=real` names `--state`), else the first.
 */
export function checked<T>(options: string | readonly string[], check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    const names = typeof options === 'string' ? [options] : options;
    const option = names.find((o) => Object.hasOwn(error.values, o)) ?? names[0];
    throw error.forOption(`--${option}`);
  }
}

/** Parses `--name value`, `--name=value`, flags and positionals against a spec; refuses anything else. */
export function parseArgs(argv: readonly string[], spec: ArgsSpec): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name = '', inline] = splitOnce(arg.slice(2), '=');
    const option = spec.options.find((o) => o.name === name);
    if (!option) throw new UsageError('unknown option', { option: arg }, `known: ${known(spec)}`);
    if (!option.value) {
      if (inline !== undefined) throw new UsageError('a flag takes no value', { option: arg });
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError('an option needs a value', { option: `--${name}`, value: option.value });
    }
    values.set(name, value);
  }
  const allowed = spec.positionals?.length ?? 0;
  if (!help && positionals.length > allowed) {
    throw new UsageError('unexpected argument', { argument: positionals[allowed] ?? '' });
  }
  for (const o of spec.options) if (o.default !== undefined && !values.has(o.name)) values.set(o.name, o.default);
  return { help, values, flags, positionals };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function known(spec: ArgsSpec): string {
  return [...spec.options.map((o) => `--${o.name}`), '--help'].join(', ');
}

/** The `Options:` block of a help text. */
export function formatOptions(options: readonly OptionSpec[]): string {
  const rows = [
    ...options.map((o) => [`--${o.name}${o.value ? ` ${o.value}` : ''}`, optionHelp(o)]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => (left ?? '').length));
  return rows.map(([left, right]) => `  ${(left ?? '').padEnd(width)}  ${right}`).join('\n');
}

function optionHelp(o: OptionSpec): string {
  return o.default !== undefined ? `${o.help} (default ${o.default})` : o.help;
}
