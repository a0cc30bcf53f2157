// Spawns a bench task (dist/bench/child.js or any command) and reads its figures and wall time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface ChildFigures {
  /** Seconds measured inside the task (excludes process start). */
  seconds: number;
  /** Wall seconds from spawn to exit (includes process start), as a user waits. */
  wallSeconds: number;
  /** CPU seconds (user + system, all threads) of the task, where the task reports them. */
  cpuSeconds?: number;
  maxRssMb: number;
  result: Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Runs `node <script> ...args` and parses the JSON its last stdout line carries. */
export function runNode(script: string, args: readonly string[]): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const wallSeconds = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      const last = out.trim().split('\n').pop() ?? '{}';
      resolve({ ...(JSON.parse(last) as Omit<ChildFigures, 'wallSeconds'>), wallSeconds });
    });
  });
}

export const CHILD = join(here, 'child.js');
