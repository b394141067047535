import { closeSync, openSync, writeFileSync } from 'node:fs';
import { shownText } from '../errors';
import { UsageError } from './args';

/** Output the environment would not take (a full disk, a device that refuses writes): not the input's fault. */
export class OutputError extends Error {
  constructor(target: string, cause: unknown) {
    super(`cannot write ${target}: ${systemError(cause)}`);
    this.name = 'OutputError';
  }
}

/** The system's words for a failed call, without the path it names: `ENOSPC: no space left on device`. */
function systemError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return shownText(message.split(', ')[0] ?? '');
}

/** A file opened for a command's output, its first bytes already written. */
export interface OutputFile {
  readonly path: string;
  readonly fd: number;
  readonly head: string;
}

/**
 * Opens the file of an option such as --html and writes its first bytes, before any work: a path
 * that cannot be opened (empty, a directory, a missing folder) or a device that takes nothing
 * (/dev/full) is refused as bad input, naming the option.
 */
export function openOutput(option: string, path: string, head: string): OutputFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    writeFileSync(fd, head);
    return { path, fd, head };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new UsageError(`--${option}: the output file must be writable`, { [option]: path }, systemError(error));
  }
}

/** Writes the rest of the file after its head and closes it; a failure now is the environment's (OutputError). */
export function finishOutput(file: OutputFile, whole: string): void {
  if (!whole.startsWith(file.head)) throw new Error(`${file.path} must begin with what was written first`);
  try {
    writeFileSync(file.fd, whole.slice(file.head.length));
  } catch (error) {
    throw new OutputError(file.path, error);
  } finally {
    closeSync(file.fd);
  }
}
