/** Evidence about inputs for report summaries: file name, size and SHA-256 (streamed). */
import { createHash } from 'node:crypto';
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface InputEvidence {
  role: string;
  file: string;
  bytes: number;
  sha256: string;
  rows?: number;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function describeInput(role: string, file: string): Promise<InputEvidence> {
  const [info, sha256] = await Promise.all([stat(file), sha256File(file)]);
  return { role, file, bytes: info.size, sha256 };
}

function canonical(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/** Refuses the same file given for two sources (a common slip when typing long commands). */
export function assertDistinctInputs(inputs: ReadonlyArray<{ flag: string; file: string }>): void {
  const seen = new Map<string, string>();
  for (const { flag, file } of inputs) {
    const key = canonical(file);
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${flag} name the same file (${file}); give each source its own export.`);
    seen.set(key, flag);
  }
}
