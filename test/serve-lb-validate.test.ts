// ListenBrainz's per-listen limits in the submit-listens validator (src/serve/lb-validate.ts), at their
// edges: nesting (a value deeper than 32 levels), \u0000 in a value or a key, and the 10,240-byte size,
// which a small body skips measuring (it cannot reach it) and a large one measures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LISTEN_SIZE, validateSubmission } from '../src/serve/lb-validate.js';

const listen = (extra: Record<string, unknown> = {}) => ({ listened_at: 1742479500, track_metadata: { artist_name: 'A', track_name: 'B', additional_info: extra } });
const check = (l: unknown, bodyBytes?: number) => {
  const doc = { listen_type: 'single', payload: [l] };
  return validateSubmission(doc, 1742479600, bodyBytes ?? JSON.stringify(doc).length);
};
const error = (r: ReturnType<typeof validateSubmission>) => (r.ok ? null : r.error);

/** A value nested so that its innermost value sits at `depth` levels below the listen. */
function nested(depth: number, inner: unknown): unknown {
  // The listen is level 0, track_metadata 1, additional_info 2, then one object per level.
  let v = inner;
  for (let d = depth; d > 3; d--) v = { x: v };
  return v;
}

describe('submit-listens limits', () => {
  it('takes a value 32 levels down and refuses one 33 levels down, whatever it is', () => {
    assert.equal(error(check(listen({ deep: nested(32, 'ok') }))), null);
    assert.equal(error(check(listen({ deep: nested(32, {}) }))), null, 'an empty object at the last level holds no deeper value');
    assert.match(String(error(check(listen({ deep: nested(33, 'no') })))), /nested too deeply/);
    assert.match(String(error(check(listen({ deep: nested(33, []) })))), /nested too deeply/);
  });

  it('refuses \\u0000 in a value, in a key, and in a list', () => {
    assert.match(String(error(check(listen({ note: 'a\u0000b' })))), /u0000 is not allowed/);
    assert.match(String(error(check(listen({ ['k\u0000']: 1 })))), /u0000 is not allowed/);
    assert.match(String(error(check(listen({ tags: ['x', 'y\u0000'] })))), /u0000 is not allowed/);
    assert.equal(error(check(listen({ note: 'a\\u0000b as text' }))), null);
  });

  it('measures the size of a listen in a large body, and the limit is in bytes', () => {
    const fits = listen({ pad: 'x'.repeat(MAX_LISTEN_SIZE - 200) });
    assert.equal(error(check(fits)), null);
    const over = listen({ pad: 'x'.repeat(MAX_LISTEN_SIZE) });
    assert.match(String(error(check(over))), new RegExp(`exceeds max of ${MAX_LISTEN_SIZE} bytes`));
    // Two-byte characters: fewer characters than the limit, more bytes.
    const wide = listen({ pad: 'é'.repeat(MAX_LISTEN_SIZE / 2 + 10) });
    assert.match(String(error(check(wide))), /exceeds max/);
    // Numbers that spell out when serialised again are measured as ListenBrainz measures them.
    const digits = listen({ big: Array.from({ length: 500 }, () => 1e20) });
    assert.match(String(error(check(digits))), /exceeds max/);
  });
});
