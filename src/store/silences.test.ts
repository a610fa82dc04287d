import { describe, expect, it } from 'vitest';
import { openDb } from './db.js';
import {
  addSilence,
  listSilences,
  removeSilence,
  replaceConfigSilences,
  silenceMigrations,
} from './silences.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('silences store', () => {
  it('adds, lists newest first, and removes API silences', () => {
    const db = openDb(':memory:', [silenceMigrations]);
    const a = addSilence(db, { hostGlob: 'web-*', endsAt: NOW + 1000, comment: 'patching' }, NOW);
    const b = addSilence(db, { hostGlob: '*', cron: '0 2 * * 0', durationMs: 3_600_000, endsAt: null }, NOW);
    expect(listSilences(db).map((s) => s.id)).toEqual([b.id, a.id]);
    expect(listSilences(db)[0]).toMatchObject({ cron: '0 2 * * 0', durationMs: 3_600_000, origin: 'api' });
    expect(listSilences(db, { activeOrPendingAt: NOW + 2000 }).map((s) => s.id)).toEqual([b.id]);
    expect(removeSilence(db, a.id)).toEqual({ removed: true });
    expect(removeSilence(db, a.id)).toEqual({ removed: false, reason: 'not-found' });
    db.close();
  });

  it('keeps config silences apart: replaced at start, never removed through the API', () => {
    const db = openDb(':memory:', [silenceMigrations]);
    replaceConfigSilences(db, [{ hostGlob: 'a', endsAt: NOW + 5 }], NOW);
    const [cfg] = replaceConfigSilences(db, [{ hostGlob: 'b', endsAt: NOW + 5 }], NOW);
    expect(listSilences(db).map((s) => s.hostGlob)).toEqual(['b']);
    expect(removeSilence(db, cfg!.id)).toEqual({ removed: false, reason: 'config' });
    db.close();
  });

  it('rejects invalid input with a message naming the field', () => {
    const db = openDb(':memory:', [silenceMigrations]);
    expect(() => addSilence(db, { hostGlob: '' }, NOW)).toThrow(/hostGlob/);
    db.close();
  });
});
