// Entry point: `npm start -- <subcommand> [options]`. The CLI itself is in program.ts.
import { main } from './program';

// A reader piping the output into `head` closes stdout early: stop quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
