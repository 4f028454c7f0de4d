/**
 * The calling thread's CPU time, for timing the parts of work that several threads do at once.
 * A thread's wall time counts the time it waits for a core: a national-size load runs three
 * worker threads and the main thread on two cores, and in the bench of 1e3a970 their wall
 * times summed came to 94.9 s in a 32.6 s load, against 43.5 s of CPU. Linux gives each
 * thread's time on a CPU, in nanoseconds, as the first field of /proc/thread-self/schedstat;
 * it moves at scheduler ticks (about 4 ms), which average out over many readings. Elsewhere
 * (or where /proc is not mounted) there is none, and callers keep to wall time.
 *
 * The file is opened once per clock and read again from its start each time: one system call,
 * about 4 µs, where opening and closing it each time took about 29 µs (a scratch loop of
 * 20,000 reads, not kept; a load reads it some 18,000 times at national size).
 * /proc/thread-self names the thread that opens it, so a clock is opened, read and closed in
 * one thread.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

export interface ThreadCpuClock {
  /** This thread's CPU time in milliseconds since it started, or undefined where the system does not give it. */
  now(): number | undefined;
  /** Releases the file; `now` then gives undefined. */
  close(): void;
}

const NO_CLOCK: ThreadCpuClock = { now: () => undefined, close: () => undefined };

/** A CPU clock for the calling thread (one that always gives undefined where there is none). */
export function openThreadCpuClock(): ThreadCpuClock {
  let fd: number | undefined;
  try {
    fd = openSync(SCHEDSTAT, 'r');
  } catch {
    return NO_CLOCK; // no /proc, or no such file (not Linux)
  }
  const buf = Buffer.alloc(64);
  const close = (): void => {
    if (fd === undefined) return;
    closeSync(fd);
    fd = undefined;
  };
  return {
    now() {
      if (fd === undefined) return undefined;
      try {
        const text = buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
        const ns = Number(text.slice(0, text.indexOf(' ')));
        if (Number.isFinite(ns) && ns >= 0) return ns / 1e6;
      } catch {
        // Unreadable after all: fall through.
      }
      close();
      return undefined;
    },
    close,
  };
}
