/**
 * One process per store: LMDB lets several processes open the same environment, and two cloak nodes
 * on one home would each make blocks from their own mempool (the second one's commits are refused by
 * the first's, which then stalls). `lockStore` creates `cloak.lock` in the store's directory with
 * O_EXCL, holding the process id; a lock whose process is gone (killed, crashed) is taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class StoreInUse extends Error {
  override readonly name = 'StoreInUse';
}

const LOCK = 'cloak.lock';

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of the store in `dir`; returns its release. Throws StoreInUse if a live process holds it. */
export function lockStore(dir: string): () => void {
  const file = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8').trim());
    } catch {
      // removed meanwhile: try again
    }
    if (holder === process.pid) throw new StoreInUse(`the store in ${dir} is already open in this process`);
    if (alive(holder)) throw new StoreInUse(`the store in ${dir} is in use by process ${holder} (another cloak node on this home?)`);
    // The holder is gone (killed or crashed): take the lock over.
    try {
      unlinkSync(file);
    } catch {
      // another process took it over first; the next attempt tells
    }
  }
  throw new StoreInUse(`the store in ${dir} is being locked by another process`);
}
