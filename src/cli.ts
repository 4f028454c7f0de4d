/**
 * The CLI: registers one commander command per file in src/commands/, and owns the only
 * top-level catch (one sentence on stderr, exit code by error class, stack with --verbose).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import chalk from 'chalk';
import { exitCodeOf } from './errors.js';
import { removeTempFilesSync } from './io/write-report.js';
import { registerInspect } from './commands/inspect.js';
import { registerInit } from './commands/init.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerBench } from './commands/bench.js';
import { registerGenerate } from './commands/generate.js';
import { registerReval } from './commands/reval.js';
import { registerOffboard } from './commands/offboard.js';

/** Each command file exports one of these; add new commands to COMMANDS. */
export type Register = (program: Command) => void;

const COMMANDS: Register[] = [
  registerInspect,
  registerInit,
  (p) => registerReconcile(p, toolVersion),
  (p) => registerBench(p, toolVersion),
  registerGenerate,
  (p) => registerReval(p, toolVersion),
  (p) => registerOffboard(p, toolVersion),
];

export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Colour only when stderr is a TTY and NO_COLOR is unset (chalk checks FORCE_COLOR too). */
function configureColour(): void {
  if (process.env['NO_COLOR'] !== undefined || !process.stderr.isTTY) chalk.level = 0;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('idrecon')
    .description('Reconcile identities and accounts across ESR, NHSmail, local AD, TIS and Tableau exports.')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** An interrupted run leaves no half-written report: temp files are removed before exiting. */
function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeTempFilesSync();
      process.stderr.write(`idrecon: interrupted; no partial report was left behind.\n`);
      process.exit(130);
    });
  }
}

/**
 * `idrecon … | head` closes stdout early: that is the reader's choice, not an error, so the
 * EPIPE ends the process quietly (as other command-line tools do) instead of with a stack.
 */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  configureColour();
  cleanUpOnSignals();
  quietOnClosedPipe();
  const verbose = argv.includes('--verbose');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`${chalk.red('idrecon:')} ${e.message}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    else if (exitCodeOf(err) === 1 && !(e.name.endsWith('Error') && e.name !== 'Error')) {
      process.stderr.write('(run with --verbose for details)\n');
    }
    process.exitCode = exitCodeOf(err);
  }
}
