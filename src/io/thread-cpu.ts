/**
 * The calling thread's CPU time, for timing the parts of work that several threads do at once.
 * A thread's wall time counts the time it waits for a core: a national-size load runs three
 * worker threads and the main thread on two cores, and their wall times summed came to about
 * 1.8 times the CPU the process used in the same load. Linux gives each thread's time on a CPU,
 * in nanoseconds, as the first field of /proc/thread-self/schedstat; a read costs about 20 µs.
 * Elsewhere (or where /proc is not mounted) there is none, and callers keep to wall time.
 */
import { readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** Per thread (each worker loads this module afresh): false once a read has failed. */
let available = true;

/** This thread's CPU time in milliseconds since it started, or undefined where the system does not give it. */
export function threadCpuMs(): number | undefined {
  if (!available) return undefined;
  try {
    const text = readFileSync(SCHEDSTAT, 'latin1');
    const ns = Number(text.slice(0, text.indexOf(' ')));
    if (Number.isFinite(ns) && ns >= 0) return ns / 1e6;
  } catch {
    // No /proc, or no such file (not Linux): fall through.
  }
  available = false;
  return undefined;
}
