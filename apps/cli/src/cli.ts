import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { archiveCommand } from './commands/archive.command.js';
import { auditCommand } from './commands/audit.command.js';
import { dlqCommand } from './commands/dlq.command.js';
import { exportCommand } from './commands/export.command.js';
import { purgeCommand } from './commands/purge.command.js';
import { retentionCommand } from './commands/retention.command.js';
import { inspectCommand } from './commands/inspect.command.js';
import { tenantsCommand } from './commands/tenants.command.js';
import { replayCommand } from './commands/replay.command.js';
import { tokenCommand } from './commands/token.command.js';
import { verifyCommand } from './commands/verify.command.js';
import { usersCommand } from './commands/users.command.js';
import { clientsCommand } from './commands/clients.command.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';

/** One factory per command file under commands/; add new commands here. */
const COMMANDS: ReadonlyArray<(io: CliIo) => Command> = [
  tokenCommand, tenantsCommand, usersCommand, clientsCommand, inspectCommand, auditCommand, replayCommand, exportCommand, verifyCommand, purgeCommand, retentionCommand, archiveCommand, dlqCommand,
];

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('ledgerline')
    .description('Ledgerline operations')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  for (const create of COMMANDS) program.addCommand(inheritSettings(create(io), program));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return exitCodeFor(error, io);
  }
}

/** Subcommands (`tenants suspend`) were made before their parent joined the program: hand the program's settings (exitOverride, output) down to them too. */
function inheritSettings(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inheritSettings(sub, command);
  return command;
}
