/**
 * Zip containers read through their central directory (unzipper's `Open`), so a part can be
 * read by name in any order, and only the parts wanted are inflated. Used by the XLSX reader:
 * see read-xlsx.ts for why a single pass in stored order is not safe.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export interface Zip {
  /** A part's inflated contents as a stream, or undefined when the zip has no such file. */
  part(path: string): Readable | undefined;
  /** Closes every file stream still open (a reader that stopped early leaves one). */
  close(): void;
}

/** unzipper 0.10's central-directory reader, as used here (it ships no type declarations). */
interface CentralDirectory {
  files: Array<{ path: string; type: 'File' | 'Directory'; stream(): Readable }>;
}
interface UnzipperOpen {
  Open: {
    custom(source: { stream(offset: number, length?: number): Readable; size(): Promise<number> }): Promise<CentralDirectory>;
  };
}

let unzipper: Promise<UnzipperOpen> | undefined;
function loadUnzipper(): Promise<UnzipperOpen> {
  // @ts-expect-error: unzipper ships no type declarations; UnzipperOpen names what is used.
  return (unzipper ??= import('unzipper').then((m: { default: UnzipperOpen }) => m.default));
}

/** Opens `file`'s central directory; rejects when it is not a readable zip. */
export async function openZip(file: string): Promise<Zip> {
  const { Open } = await loadUnzipper();
  const open = new Set<ReadStream>();
  const directory = await Open.custom({
    stream(offset, length) {
      // As unzipper's own file source: a part's reader destroys its stream when it is done.
      const s = createReadStream(file, { start: offset, end: length ? offset + length : undefined });
      open.add(s);
      s.on('close', () => open.delete(s));
      return s;
    },
    size: () => stat(file).then((s) => s.size),
  });
  const files = new Map(directory.files.filter((f) => f.type === 'File').map((f) => [f.path, f]));
  return {
    part(path) {
      return files.get(path)?.stream();
    },
    close() {
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}
