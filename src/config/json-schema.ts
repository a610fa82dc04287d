import { z } from 'zod';
import { durationText } from './format.js';
import { isDurationSchema } from './zod.js';

const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+)\\s*$';

/**
 * thump.yaml as a JSON Schema (draft-07) describing what a user writes (durations as text),
 * for editors: `# yaml-language-server: $schema=thump.schema.json` gives completion and
 * inline errors. Checks the schema cannot express (refinements) still run in the loader.
 */
export function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
    override: (ctx) => {
      const s = ctx.zodSchema as unknown as { _zod: { def: unknown } };
      const js = ctx.jsonSchema as Record<string, unknown>;
      if (isDurationSchema(s)) {
        for (const k of Object.keys(js)) if (k !== 'default' && k !== 'description') delete js[k];
        js.anyOf = [
          { type: 'string', pattern: DURATION_PATTERN },
          { type: 'number', minimum: 0 },
        ];
        js.description ??= 'A duration: 500ms, 10s, 5m, 1h30m, 2d (a bare number is seconds).';
      }
      const def = s._zod.def as { type: string; innerType?: unknown; defaultValue?: unknown };
      if ((def.type === 'default' || def.type === 'prefault') && isDurationSchema(def.innerType)) {
        // Defaults are declared in milliseconds; in the file they are written with units.
        const v = def.defaultValue;
        if (typeof v === 'number') js.default = durationText(v);
        else if (typeof v === 'string') js.default = v;
      }
    },
  }) as Record<string, unknown>;
}
