import { formatOptions, parseArgs, UsageError } from './args';
import { type Command, EXIT, type Io, refusal } from './command';
import { defaultCommand } from './commands/default';
import { COMMANDS } from './commands/index';

const INVOCATION = 'npm start --';

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The global help: usage and the list of subcommands. */
export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${INVOCATION} [<subcommand>] [options]`,
    '',
    'Living specification of arm64 page-table freeing on memory hot-remove (Linux v5.7).',
    `Without a subcommand: ${defaultCommand.description.replace(/^With no subcommand: /, '')}`,
    '',
    'Subcommands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run '${INVOCATION} <subcommand> --help' for its options.`,
    'Exit codes: 0 ok, 1 a violation was found, 2 bad input, 3 internal error, 4 output not written.',
    '',
  ].join('\n');
}

/** The help of one subcommand. */
export function commandHelp(command: Command): string {
  const args = (command.positionals ?? []).map((p) => ` <${p}>`).join('');
  return [
    `Usage: ${INVOCATION} ${command === defaultCommand ? '' : `${command.name} `}[options]${args}`,
    '',
    command.description,
    '',
    'Options:',
    formatOptions(command.options),
    '',
  ].join('\n');
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(
      'unknown subcommand',
      { subcommand: name },
      `known: ${COMMANDS.map((c) => c.name).join(', ')}`,
    );
  }
  return command;
}

async function runCommand(command: Command, argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, command);
  if (args.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  return command.run(args, io);
}

/** Runs the CLI on arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === '-h' || first === '--help') {
      io.out(globalHelp());
      return EXIT.ok;
    }
    if (first === undefined || first.startsWith('-')) return await runCommand(defaultCommand, argv, io);
    return await runCommand(findCommand(first), rest, io);
  } catch (error) {
    const refused = refusal(error, io);
    if (refused !== undefined) return refused;
    io.err(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}
