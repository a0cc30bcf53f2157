// One writer at a time per data directory: imports take this lock so two never dedupe against each
// other half-written. A lock left by a process that died is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { EarshotError } from '../util/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the live process holding the lock at `path`, or null when none does. */
export async function lockHolder(path: string): Promise<number | null> {
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

export async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = await lockHolder(path);
      if (pid !== null && pid !== process.pid) {
        throw new EarshotError(`another earshot process (pid ${pid}) is writing to this data directory`, {
          retriable: true,
          hint: `wait for it to finish, or remove ${path} if that process is gone`,
        });
      }
      await rm(path, { force: true });
    }
  }
  throw new EarshotError(`could not take the lock ${path}`, { retriable: true });
}
