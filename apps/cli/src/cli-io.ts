/** What a command may touch of the process: injected, so commands stay testable in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** All of standard input (for secrets given with --password-stdin); absent: nothing to read. */
  readStdin?: () => Promise<string>;
}
