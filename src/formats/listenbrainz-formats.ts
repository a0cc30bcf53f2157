// The formats of the ListenBrainz / Last.fm / HetRec area, in one list for the registry.
import { HETREC_FORMATS } from './hetrec.js';
import { lastfmScrobbles, librefmScrobbles } from './lastfm.js';
import { listenbrainzExport, listenbrainzSubmit } from './listenbrainz.js';
import type { Format } from './types.js';

export const LISTENBRAINZ_FORMATS: readonly Format[] = [listenbrainzExport, listenbrainzSubmit, lastfmScrobbles, librefmScrobbles, ...HETREC_FORMATS];
