// Expands what the user named into files to import: a directory into the files under it, a .zip (as
// Spotify and ListenBrainz hand them out) into its entries, unpacked into the import's temp folder.
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { unzipSync } from 'fflate';

export interface InputFile {
  /** The file on disk to read (an extracted copy for zip entries). */
  readonly path: string;
  /** How the file is named to the user: its path, or zip!entry. */
  readonly origin: string;
  /** Named inside a directory or zip (unrecognised files are skipped quietly) or by the user. */
  readonly fromFolder: boolean;
}

export interface InputProblem {
  readonly origin: string;
  readonly message: string;
}

const HEAD_BYTES = 64 * 1024;

/** First bytes of a file as text, for format detection. */
export async function readHead(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

async function walk(dir: string, skip: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (resolve(p) === skip) continue;
    if (e.isDirectory()) out.push(...(await walk(p, skip)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function unzip(path: string, tmpDir: string, n: number): Promise<{ files: InputFile[]; problems: InputProblem[] }> {
  const files: InputFile[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(await readFile(path), { filter: (f) => !f.name.endsWith('/') && !f.name.includes('__MACOSX') });
  } catch (err) {
    return { files, problems: [{ origin: path, message: `not a readable zip archive (${(err as Error).message})` }] };
  }
  const base = join(tmpDir, `zip-${n}`);
  for (const name of Object.keys(entries).sort()) {
    if (basename(name).startsWith('.')) continue;
    const dest = join(base, ...name.split('/').filter((s) => s !== '..' && s !== ''));
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, entries[name]!);
    files.push({ path: dest, origin: `${path}!${name}`, fromFolder: true });
  }
  // An archive with no files in it would otherwise import nothing and say nothing.
  return { files, problems: files.length === 0 ? [{ origin: path, message: 'the zip archive holds no files' }] : [] };
}

/** Files to import, in a stable order, and the paths that could not be used. */
export async function expandInputs(paths: readonly string[], tmpDir: string, dataDir: string): Promise<{ files: InputFile[]; problems: InputProblem[] }> {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  let zips = 0;
  for (const p of paths) {
    if (!existsSync(p)) {
      problems.push({ origin: p, message: 'no such file or directory' });
      continue;
    }
    const st = await stat(p);
    const found = st.isDirectory() ? await walk(p, resolve(dataDir)) : [p];
    for (const f of found) {
      const origin = st.isDirectory() ? join(p, relative(p, f)) : f;
      if (f.toLowerCase().endsWith('.zip')) {
        const z = await unzip(f, tmpDir, zips++);
        files.push(...z.files);
        problems.push(...z.problems);
      } else files.push({ path: f, origin, fromFolder: st.isDirectory() });
    }
  }
  return { files, problems };
}
