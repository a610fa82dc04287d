import { describe, expect, it } from 'vitest';
import { validateSilence } from '../notify/silences.js';
import { openDb } from './db.js';
import {
  addSilence,
  listSilences,
  removeSilence,
  replaceConfigSilences,
  silenceMigrations,
} from './silences.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const api = (input: Parameters<typeof validateSilence>[0]) => validateSilence(input, NOW, 'api');
const cfgSilence = (hostGlob: string) => validateSilence({ hostGlob, endsAt: NOW + 5 }, NOW, 'config');

describe('silences store', () => {
  it('adds, lists newest first, and removes API silences', () => {
    const db = openDb(':memory:', [silenceMigrations]);
    const a = addSilence(db, api({ hostGlob: 'web-*', endsAt: NOW + 1000, comment: 'patching' }));
    const b = addSilence(db, api({ hostGlob: '*', cron: '0 2 * * 0', durationMs: 3_600_000, endsAt: null }));
    expect(listSilences(db).map((s) => s.id)).toEqual([b.id, a.id]);
    expect(listSilences(db)[0]).toMatchObject({ cron: '0 2 * * 0', durationMs: 3_600_000, origin: 'api' });
    expect(listSilences(db, { activeOrPendingAt: NOW + 2000 }).map((s) => s.id)).toEqual([b.id]);
    expect(removeSilence(db, a.id)).toEqual({ removed: true });
    expect(removeSilence(db, a.id)).toEqual({ removed: false, reason: 'not-found' });
    db.close();
  });

  it('keeps config silences apart: replaced at start, never removed through the API', () => {
    const db = openDb(':memory:', [silenceMigrations]);
    replaceConfigSilences(db, [cfgSilence('a')]);
    const [cfg] = replaceConfigSilences(db, [cfgSilence('b')]);
    expect(listSilences(db).map((s) => s.hostGlob)).toEqual(['b']);
    expect(removeSilence(db, cfg!.id)).toEqual({ removed: false, reason: 'config' });
    db.close();
  });
});
