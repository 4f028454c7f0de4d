/**
 * The few named errors idrecon throws. The core throws them; only `src/cli.ts` prints them
 * (one sentence each) and maps them to exit codes:
 *   0 ok, 1 data or runtime error, 2 usage or config error, 3 `--fail-on` condition met.
 */

/** Bad flags or arguments: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** A config file that cannot be read or does not validate: exit 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = 2;
  /** Every problem found, each with its dotted path ("scheme.weights.email"). */
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** An input file that cannot be read or understood: exit 1. Never carries field values. */
export class InputError extends Error {
  override name = 'InputError';
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
  }
}

/** A report that cannot be written (--out is a file, no permission, disk full): exit 1. */
export class OutputError extends Error {
  override name = 'OutputError';
  readonly exitCode = 1;
}

/** The run's own checks failed (e.g. input rows do not balance with output rows): exit 1. */
export class DataError extends Error {
  override name = 'DataError';
  readonly exitCode = 1;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return 2;
  return 1;
}
