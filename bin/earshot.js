#!/usr/bin/env node
// The `earshot` command: a thin launcher for the compiled CLI in dist/.
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
