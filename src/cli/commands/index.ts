import type { Command } from '../command';
import { layoutCommand } from './layout';

/** Every subcommand. A new one is one file in this folder and one line here. */
export const COMMANDS: readonly Command[] = [layoutCommand];
