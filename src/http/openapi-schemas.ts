/**
 * The OpenAPI document's component schemas (split from openapi.ts to keep both files short).
 * Input bounds come from util/limits.ts and `SilenceRequest` is generated from the zod schema
 * the API itself parses with, so the document cannot drift from what the server accepts.
 */

import { z } from 'zod';
import { EVENT_TYPES } from '../monitor/types.js';
import { silenceRequestSchema } from '../notify/silence-input.js';
import { LIMITS } from '../util/limits.js';
import { INVALID_TIME } from './json.js';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A time in answers: ISO 8601, null for never, or the placeholder for a time no Date can show. */
export const iso = {
  type: ['string', 'null'],
  format: 'date-time',
  description: `ISO 8601; null for never; "${INVALID_TIME}" for a stored time beyond any Date`,
};

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
    Check: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        severity: { enum: ['ok', 'warning', 'critical', 'unknown'] },
        text: { type: 'string' },
      },
    },
    Host: {
      type: 'object',
      required: ['id', 'state', 'address', 'lastBeatAt', 'uptimeSeconds', 'intervalMs'],
      properties: {
        id: { type: 'string' },
        state: { enum: ['up', 'down', 'left'] },
        source: { enum: ['agent', 'legacy', 'sweep'] },
        address: { type: 'string', description: 'ip:port of the last valid beat ([v6]:port for IPv6)' },
        firstSeenAt: iso,
        lastBeatAt: iso,
        stateSince: iso,
        lastBeatAgeMs: { type: ['integer', 'null'] },
        bootId: { type: 'string' },
        seq: { type: 'integer' },
        intervalMs: { type: 'integer' },
        timeoutMs: { type: 'integer' },
        uptimeSeconds: { type: 'number' },
        load: { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 },
        memTotalBytes: { type: 'integer' },
        memAvailableBytes: { type: 'integer' },
        diskTotalBytes: { type: 'integer' },
        diskUsedBytes: { type: 'integer' },
        checkStatus: { enum: ['ok', 'warning', 'critical', 'unknown'] },
        checks: { type: 'array', items: ref('Check') },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        flapping: { type: 'boolean' },
        silencedBy: { type: ['integer', 'null'], description: 'id of the silence covering the host now' },
        sweepError: {
          type: ['object', 'null'],
          description:
            "swept hosts only (source 'sweep'): class and message of the last failed probe, null after an ok one",
          properties: { class: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
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
