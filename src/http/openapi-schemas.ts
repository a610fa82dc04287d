/**
 * The OpenAPI document's component schemas (split from openapi.ts to keep both files short).
 * Input bounds come from util/limits.ts and `SilenceRequest` is generated from the zod schema
 * the API itself parses with, so the document cannot drift from what the server accepts.
 */

import { z } from 'zod';
import { EVENT_TYPES } from '../monitor/types.js';
import { silenceRequestSchema } from '../notify/silence-input.js';
import { LIMITS } from '../util/limits.js';
import { HOST_JSON_SCHEMA, ISO_SCHEMA } from './json.js';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A time in answers: ISO 8601, null for never, or the placeholder for a time no Date can show. */
export const iso = ISO_SCHEMA;

/** A zod input schema as an OpenAPI 3.1 (JSON Schema 2020-12) object. */
function fromZod(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete js.$schema;
  return js;
}

export function componentSchemas(): Record<string, unknown> {
  return {
    Error: {
      type: 'object',
      required: ['error', 'statusCode'],
      properties: { error: { type: 'string' }, statusCode: { type: 'integer' } },
    },
    Host: HOST_JSON_SCHEMA,
    Event: {
      type: 'object',
      required: ['id', 'type', 'hostId', 'at'],
      properties: {
        id: { type: 'integer' },
        type: {
          enum: [...EVENT_TYPES],
        },
        hostId: { type: 'string', description: 'empty for fleet-wide events' },
        at: iso,
        details: { type: 'object' },
      },
    },
    Silence: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        hostGlob: { type: 'string' },
        state: { enum: ['active', 'pending', 'expired'] },
        startsAt: iso,
        endsAt: iso,
        cron: { type: 'string' },
        durationMs: { type: ['integer', 'null'] },
        comment: { type: 'string' },
        createdBy: { type: 'string' },
        createdAt: iso,
        origin: { enum: ['config', 'api'] },
      },
    },
    SilenceRequest: {
      ...fromZod(silenceRequestSchema),
      description: `host (or hostGlob) is required; a glob holds at most ${LIMITS.globLength} characters and ${LIMITS.globWildcards} wildcards; windows and cron durations last at most 10 years`,
    },
    Notifier: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        type: { type: 'string' },
        state: { enum: ['ok', 'retrying', 'failed'] },
        sent: { type: 'integer' },
        failedAttempts: { type: 'integer' },
        lastSentAt: iso,
        lastError: { type: ['string', 'null'] },
        lastErrorAt: iso,
        failuresByReason: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    },
    SweepRun: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        startedAt: iso,
        finishedAt: iso,
        total: { type: 'integer' },
        ok: { type: 'integer' },
        failed: { type: 'integer' },
        mode: { enum: ['local', 'redis'] },
      },
    },
    SweepResult: {
      type: 'object',
      description: 'status ok: uptimeSeconds, bootedAt, load1/5/15; status error: errorClass, message',
      properties: {
        status: { enum: ['ok', 'error'] },
        target: { type: 'string' },
        host: { type: 'string' },
        at: iso,
        durationMs: { type: 'integer' },
        uptimeSeconds: { type: 'number' },
        bootedAt: { type: 'string' },
        load1: { type: 'number' },
        load5: { type: 'number' },
        load15: { type: 'number' },
        errorClass: {
          enum: ['dns', 'refused', 'unreachable', 'timeout', 'auth', 'host-key', 'command', 'protocol'],
        },
        message: { type: 'string' },
      },
    },
  };
}
