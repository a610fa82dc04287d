import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { referenceRows, renderReference, typeText } from './reference.js';
import { duration } from './zod.js';

const schema = z.strictObject({
  section: z
    .strictObject({
      wait: duration().default(90_000),
      port: z.number().int().min(1).max(65535).default(43278),
      name: z.string().min(1).optional(),
      mode: z.enum(['fast', 'safe']).default('safe'),
      tags: z.array(z.string()).min(1).optional(),
      labels: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
  items: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('a'), url: z.url() }),
        z.strictObject({ type: z.literal('b'), count: z.number().default(1) }),
      ]),
    )
    .default([]),
  level: z.number().describe('How loud.').optional(),
});

describe('referenceRows', () => {
  const rows = referenceRows(schema);
  const row = (path: string, variant?: string) =>
    rows.find((r) => r.path === path && (variant === undefined || r.variant === variant));

  it('lists every key depth first, list items with [] and one row set per variant', () => {
    expect(rows.map((r) => r.path)).toEqual([
      'section',
      'section.wait',
      'section.port',
      'section.name',
      'section.mode',
      'section.tags',
      'section.labels',
      'items',
      'items[].type',
      'items[].url',
      'items[].type',
      'items[].count',
      'level',
    ]);
    expect(row('items[].url')?.variant).toBe('type: a');
    expect(row('items[].count')?.variant).toBe('type: b');
  });

  it('describes types, defaults and whether a key is required', () => {
    expect(row('section.wait')).toMatchObject({
      type: 'duration',
      default: 90_000,
      duration: true,
      example: 'wait: 1m30s',
    });
    expect(row('section.port')).toMatchObject({
      type: 'integer (≥ 1, ≤ 65535)',
      default: 43278,
      required: false,
    });
    expect(row('section.name')).toMatchObject({ type: 'string (non-empty)', required: false });
    expect(row('section.mode')?.type).toBe('`fast`, `safe`');
    expect(row('section.tags')?.type).toBe('non-empty list of string');
    expect(row('items[].url', 'type: a')).toMatchObject({ type: 'URL', required: true });
    expect(row('level')).toMatchObject({ description: 'How loud.' });
  });
});

describe('typeText', () => {
  it.each([
    [z.boolean(), 'boolean'],
    [z.union([z.boolean(), z.string()]), 'boolean or string'],
    [z.string().regex(/^x/), 'string matching `/^x/`'],
    [z.array(z.strictObject({ a: z.string() })), 'list of items (keys below)'],
    [z.record(z.string(), z.number()), 'map of string to number'],
  ])('names %# readably', (s, text) => {
    expect(typeText(s)).toBe(text);
  });
});

describe('renderReference', () => {
  it('renders one table per section and per variant with durations written with units', () => {
    const md = renderReference(schema, (r) =>
      r.path === 'section.port' ? 'Where beats arrive.' : undefined,
    );
    expect(md).toContain('### `section`');
    expect(md).toContain('### `items` — `type: a`');
    expect(md).toContain('| `section.wait` | duration | `1m30s` | `wait: 1m30s` |  |');
    expect(md).toContain(
      '| `section.port` | integer (≥ 1, ≤ 65535) | `43278` | `port: 43278` | Where beats arrive. |',
    );
    expect(md).toContain('| `items[].url` | URL | **required** |');
  });
});
