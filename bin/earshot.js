#!/usr/bin/env node
// The `earshot` command: a thin launcher for the compiled CLI in dist/.
// A reader that stops early (`earshot --help | head`) closes the pipe: that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
