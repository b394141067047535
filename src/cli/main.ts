// Entry point: `npm start -- <subcommand> [options]`. The CLI itself is in program.ts.
import { EXIT } from './command';
import { OutputError } from './output';
import { main } from './program';

// A reader piping the output into `head` closes stdout early: stop quietly, as other CLIs do. Any
// other write error (`> /dev/full`, a full disk) is the environment's: one line and exit code 4.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  const failure = new OutputError('stdout', error);
  process.stderr.write(`${failure.name}: ${failure.message}\n`);
  process.exit(EXIT.output);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
