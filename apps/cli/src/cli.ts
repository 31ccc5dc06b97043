import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';

type CommandFactory = (io: CliIo) => Command;

/**
 * One loader per command file under commands/, by the command's name; add new commands here.
 * A command's module is imported only when it runs (or for the list in `--help`): each one pulls
 * the libraries it needs, and loading all of them took 1.5 s and 210 MB before any command ran.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandFactory>>> = {
  token: async () => (await import('./commands/token.command.js')).tokenCommand,
  tenants: async () => (await import('./commands/tenants.command.js')).tenantsCommand,
  users: async () => (await import('./commands/users.command.js')).usersCommand,
  clients: async () => (await import('./commands/clients.command.js')).clientsCommand,
  inspect: async () => (await import('./commands/inspect.command.js')).inspectCommand,
  audit: async () => (await import('./commands/audit.command.js')).auditCommand,
  replay: async () => (await import('./commands/replay.command.js')).replayCommand,
  export: async () => (await import('./commands/export.command.js')).exportCommand,
  verify: async () => (await import('./commands/verify.command.js')).verifyCommand,
  purge: async () => (await import('./commands/purge.command.js')).purgeCommand,
  retention: async () => (await import('./commands/retention.command.js')).retentionCommand,
  archive: async () => (await import('./commands/archive.command.js')).archiveCommand,
  dlq: async () => (await import('./commands/dlq.command.js')).dlqCommand,
};

/** The commands `argv` may run: the one it names, or every one (help, no command, an unknown one: commander lists or suggests them). */
function commandsFor(argv: readonly string[]): Array<() => Promise<CommandFactory>> {
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
  return named ? [named] : Object.values(COMMANDS);
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('ledgerline')
    .description('Ledgerline operations')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  try {
    for (const create of await Promise.all(commandsFor(argv).map((load) => load()))) program.addCommand(inheritSettings(create(io), program));
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
