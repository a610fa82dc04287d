import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configJsonSchema } from './json-schema.js';
import { duration } from './zod.js';

describe('configJsonSchema', () => {
  const schema = z.strictObject({
    section: z
      .strictObject({
        wait: duration().default(90_000),
        every: duration().prefault('5m'),
        n: z.number().default(3),
      })
      .prefault({}),
  });
  const js = configJsonSchema(schema) as {
    additionalProperties: boolean;
    properties: { section: { properties: Record<string, Record<string, unknown>> } };
  };
  const props = js.properties.section.properties;

  it('describes durations as text with units or seconds, with defaults written with units', () => {
    expect(props.wait?.default).toBe('1m30s');
    expect(props.every?.default).toBe('5m');
    const anyOf = (props.wait?.anyOf ?? []) as { pattern?: string }[];
    const pattern = new RegExp(anyOf[0]?.pattern ?? 'never-matches^');
    for (const ok of ['10s', '1h30m', '250ms', '5', '1.5s']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['soon', '10 s', '-1s']) expect(pattern.test(bad)).toBe(false);
  });

  it('keeps other defaults and forbids unknown keys like the loader', () => {
    expect(props.n?.default).toBe(3);
    expect(js.additionalProperties).toBe(false);
  });
});
