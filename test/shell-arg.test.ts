// Commands the demo prints must paste into a shell as they are: a real shell reads each word back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellArg } from '../src/util/shell.js';

test('a shell reads each spelled word back as the original string', () => {
  const words = [
    `SELECT 'listens' AS "table", count(*) AS rows FROM listens`,
    '/tmp/my data/earshot data',
    'costs $5 `now` \\ back',
    '/plain/path-1.2',
    '',
  ];
  for (const w of words) {
    const r = spawnSync('/bin/sh', ['-c', `printf '%s' ${shellArg(w)}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, w);
  }
  assert.equal(shellArg('/plain/path-1.2'), '/plain/path-1.2');
});
