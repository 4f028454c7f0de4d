/**
 * Progress on stderr for long phases: an ora spinner on a TTY, silent otherwise and under CI.
 * Commands receive a `Progress` so the core never touches the terminal.
 */
import ora, { type Ora } from 'ora';

export interface Progress {
  phase(label: string): void;
  done(): void;
}

export const silentProgress: Progress = { phase() {}, done() {} };

export function terminalProgress(): Progress {
  if (!process.stderr.isTTY || process.env['CI']) return silentProgress;
  let spinner: Ora | undefined;
  return {
    phase(label) {
      if (spinner) spinner.text = label;
      else spinner = ora({ text: label, stream: process.stderr }).start();
    },
    done() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
