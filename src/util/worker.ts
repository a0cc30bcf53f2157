// Starting a worker thread on one of earshot's own modules, given as the file beside the caller: the
// compiled .js in a build, the .ts source when run through tsx (the tests), whose loader hooks workers do
// not inherit, so the source is loaded through tsx's API.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker module `name` (without extension) beside `callerUrl` (the caller's import.meta.url). */
export function moduleBeside(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}

export function startModuleWorker(entry: URL, callerUrl: string, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(callerUrl)}))`, { ...options, eval: true });
}
