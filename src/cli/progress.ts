// A one-line progress bar on stderr, drawn only on a terminal (scripts and CI see nothing).
export interface ProgressBar {
  update(label: string, fraction: number, extra?: string): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(label, fraction, extra = '') {
      const now = Date.now();
      if (now - last < 80 && fraction < 1) return;
      last = now;
      const width = 24;
      const f = Math.max(0, Math.min(1, fraction));
      const full = Math.round(f * width);
      const cols = stream.columns ?? 100;
      const text = `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}% ${extra} ${label}`;
      stream.write(`\r${text.slice(0, cols - 1).padEnd(cols - 1)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write(`\r${' '.repeat((stream.columns ?? 100) - 1)}\r`);
      drawn = false;
    },
  };
}
