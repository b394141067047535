// Entry point: `npm start -- <subcommand> [options]`. The CLI itself is in program.ts.
import { main } from './program';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
