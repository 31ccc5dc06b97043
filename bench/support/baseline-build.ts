// A build of another commit of this repository, for a bench that measures "before" beside "after"
// in one run: a temporary git worktree of that commit (detached), this checkout's node_modules
// linked into it (the commit's dependencies must be installed here: true when it only has fewer
// of them), built with its own `npm run build`. The caller starts its processes from `dir` and
// calls remove() when done; a bench killed half-way leaves the worktree, which
// `git worktree prune` (after deleting the directory) forgets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface BaselineBuild {
  /** The commit as asked for (e.g. 583d222). */
  commit: string;
  /** Its full hash. */
  sha: string;
  /** Its subject line. */
  subject: string;
  /** The worktree: `dist/` holds the build. */
  dir: string;
  /** Removes the worktree (and its registration in the repository). */
  remove(): void;
}

function git(args: string[], cwd: string): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Checks out `commit` into a temporary worktree and builds it there; build output goes to stderr. */
export function buildBaseline(commit: string, repoDir = process.cwd()): BaselineBuild {
  const sha = git(['rev-parse', '--verify', `${commit}^{commit}`], repoDir);
  const subject = git(['log', '-1', '--format=%s', sha], repoDir);
  const dir = mkdtempSync(join(tmpdir(), `ledgerline-baseline-${sha.slice(0, 7)}-`));
  git(['worktree', 'add', '--detach', dir, sha], repoDir);
  const remove = (): void => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: repoDir });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: repoDir });
  };
  try {
    symlinkSync(resolve(repoDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // npm from the PATH this bench runs with (./run puts the project's Node first).
    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 2, 2], env: process.env });
    if (build.status !== 0) throw new Error(`npm run build of ${commit} (${sha}) failed with ${build.status ?? build.signal}`);
  } catch (error) {
    remove();
    throw error;
  }
  return { commit, sha, subject, dir, remove };
}
