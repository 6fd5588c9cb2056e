// PGlite must be opened by one process at a time: two writers corrupt its data directory.
// A lock file next to the directory holds the owner's pid; a lock whose process is gone is
// taken over, a live one is refused with the pid to look for.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { EngineError } from '@mm/core';

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDirLock(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  if (heldHere.has(lockPath)) {
    throw new EngineError('CONFLICT', `the database directory ${dataDir} is already open in this process; open storage once and share it`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(lockPath);
      return () => {
        heldHere.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new EngineError(
          'CONFLICT',
          `the database directory ${dataDir} is in use by process ${owner}. Stop that process, or give this one another DATA_DIR`,
        );
      }
      // the owner is gone (crash, kill -9): its lock is stale
      rmSync(lockPath, { force: true });
    }
  }
  throw new EngineError('CONFLICT', `could not lock the database directory ${dataDir}; remove ${lockPath} if no other process uses it`);
}
