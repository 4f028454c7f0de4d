/** Builds dist/ once for the test run, safely when test files run in parallel. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './run-cli.js';
import { sleepSync } from './sleep.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function builtMtime(): number {
  try {
    return statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** A build takes well under this; a lock older than it was left by a killed run. */
const STALE_LOCK_MS = 180_000;

/**
 * Builds dist/ when it is missing or older than src/ (as `npm test`'s pretest does). Test files
 * run in parallel, so one builds under a lock directory (in the temp dir, named after this
 * checkout) and the others wait for it.
 */
export function ensureBuilt(): void {
  const fresh = (): boolean => builtMtime() >= newestMtime(join(ROOT, 'src'));
  if (fresh()) return;
  const lock = join(tmpdir(), `idrecon-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
    } catch {
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released just now: try to take it
      }
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else sleepSync(200);
      continue;
    }
    try {
      // Whoever held the lock before may have built already.
      if (!fresh()) {
        // tsc emits even when files other engineers are editing have type errors.
        spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
      }
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CSV text

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
