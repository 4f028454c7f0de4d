/**
 * A process's peak resident set size over one stretch of work, for the benchmark, which runs
 * several reconciliations in one process: the process-wide peak (getrusage) of a later run
 * holds every earlier one's. Linux lets a process reset its own high-water mark (writing 5 to
 * /proc/self/clear_refs) and read it back (VmHWM in /proc/self/status). Elsewhere, or where
 * /proc refuses, only the peak since the process started is known, and the reading says so.
 *
 * getrusage's figure is not used on Linux even after a reset: it also keeps the peak of every
 * thread that has exited (the loading workers), which the reset does not clear.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface PeakRss {
  bytes: number;
  /** 'run': since the meter started; 'process': since the process started (no reset here). */
  scope: 'run' | 'process';
}

/** What a meter needs of the system; tests give their own. */
export interface RssSource {
  /** Resets the high-water mark to the current RSS; false when it cannot. */
  reset(): boolean;
  /** The high-water mark in bytes, or undefined when it cannot be read. */
  highWater(): number | undefined;
  /** The peak since the process started, in bytes. */
  processPeak(): number;
}

export const linuxProc: RssSource = {
  reset() {
    if (process.platform !== 'linux') return false;
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      return false;
    }
  },
  highWater() {
    try {
      const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  },
  processPeak: () => process.resourceUsage().maxRSS * 1024,
};

/** Starts measuring; the function returned reads the peak since then. */
export function peakRssMeter(source: RssSource = linuxProc): () => PeakRss {
  const reset = source.reset();
  return () => {
    const hw = reset ? source.highWater() : undefined;
    return hw === undefined ? { bytes: source.processPeak(), scope: 'process' } : { bytes: hw, scope: 'run' };
  };
}
