import { spawn } from 'node:child_process';
import { ensureMcpOAuthClient, OAUTH_CLIENT_SCRIPT } from '../../tools/mcp-oauth-client/ensure.mjs';

export interface HttpExchange {
  /** connect, tools, refresh, revoke, after-revocation: what the script was doing. */
  step: string;
  method: string;
  path: string;
  status: number;
  /** The OAuth error code of a refused /token or /register. */
  error?: string;
}

/** What tools/mcp-oauth-client/oauth-client.py prints (see there). */
export interface PythonClientReport {
  sdk: { mcp: string; httpx2: string };
  registration: 'cimd' | 'dcr';
  protocol_version?: string;
  tools?: string[];
  put?: { is_error: boolean };
  got?: { is_error: boolean; structured: { value: unknown } | null };
  client_info?: { client_id: string; scope?: string | null; token_endpoint_auth_method: string } | null;
  after_refresh?: { is_error: boolean; structured: { value: unknown } | null };
  revocation?: { status: number };
  access_token_after_revocation?: { status: number; after_ms: number; www_authenticate: string | null };
  sdk_after_revocation?: { raised: string | null };
  error?: { step: string; raised: string; traceback: string };
  /** The query of every authorization URL the SDK handed to the person. */
  authorizations: Record<string, string>[];
  person: { page: string; offered?: string[]; allowed?: string[]; params?: string[] }[];
  tokens: { access_token: string; refresh_token: string | null; expires_in: number | null; scope: string | null }[];
  http: HttpExchange[];
}

export interface PythonClientRun {
  server: string;
  tenant: string;
  username: string;
  password: string;
  /** The scopes the person ticks on the consent page. */
  grant: string[];
  /** Register by this Client ID Metadata Document instead of RFC 7591. */
  clientMetadataUrl?: string;
  redirectUri?: string;
  /** The memory key the tool calls use (runs side by side need their own). */
  key: string;
}

/** The cached venv's python (built on first use; throws when Python is missing, so the test fails). */
export function pythonForMcpClient(): string {
  const { python, installMs } = ensureMcpOAuthClient();
  if (installMs > 0) process.stderr.write(`the Python MCP SDK's venv was built in ${(installMs / 1000).toFixed(1)} s\n`);
  return python;
}

/**
 * Runs the Python MCP SDK's OAuth flow against the platform. Asynchronous on purpose: the Client
 * ID Metadata Document is served from this process while the platform fetches it.
 */
export function runPythonMcpClient(python: string, run: PythonClientRun): Promise<{ report: PythonClientReport; exitCode: number | null; stderr: string }> {
  const args = ['-B', OAUTH_CLIENT_SCRIPT, '--server', run.server, '--tenant', run.tenant, '--username', run.username, '--grant', run.grant.join(' ')];
  if (run.clientMetadataUrl) args.push('--client-metadata-url', run.clientMetadataUrl);
  if (run.redirectUri) args.push('--redirect-uri', run.redirectUri);
  args.push('--key', run.key);
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The password goes on stdin, never on a command line other processes can read.
  child.stdin.end(`${run.password}\n`);
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      try {
        resolve({ report: JSON.parse(stdout) as PythonClientReport, exitCode, stderr });
      } catch {
        reject(new Error(`oauth-client.py exited ${exitCode} without a report:\n${stdout}\n${stderr}`));
      }
    });
  });
}
