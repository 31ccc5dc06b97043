import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { dlqCommand } from './commands/dlq.command.js';
import { replayCommand } from './commands/replay.command.js';
import { tokenCommand } from './commands/token.command.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';

/** One factory per command file under commands/; add new commands here. */
const COMMANDS: ReadonlyArray<(io: CliIo) => Command> = [tokenCommand, dlqCommand, replayCommand];

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('ledgerline')
    .description('Ledgerline operations')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  for (const create of COMMANDS) program.addCommand(create(io).copyInheritedSettings(program));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return exitCodeFor(error, io);
  }
}
