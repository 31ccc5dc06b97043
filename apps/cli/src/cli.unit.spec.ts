import { describe, expect, it } from '@jest/globals';
import { runCli } from './cli.js';

const COMMAND_NAMES = ['token', 'tenants', 'users', 'clients', 'inspect', 'audit', 'replay', 'export', 'verify', 'purge', 'retention', 'archive', 'dlq'];

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {}, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

/** The CLI loads only the command it runs; these check that each name still reaches its own command and that help and mistakes still see them all. */
describe('ledgerline: the commands by name', () => {
  it('lists every command in --help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it.each(COMMAND_NAMES)('runs %s --help from its own module', async (name) => {
    const help = await run([name, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: ledgerline ${name} `));
  });

  it('suggests the nearest command for a misspelt one, and exits 2', async () => {
    const wrong = await run(['exprot']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown command 'exprot'[\s\S]*Did you mean export\?/);
  });
});
