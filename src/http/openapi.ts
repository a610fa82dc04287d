/**
 * The OpenAPI 3.1 description served at `/api/openapi.json`. Written by hand next to the
 * routes (a test checks that every route is described and every description has a route).
 */

import { EVENT_TYPES } from '../monitor/types.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const idPath = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const auth = [{ bearer: [] }];
const unauthorized = errorResponse('Missing or wrong bearer token');

const iso = { type: ['string', 'null'], format: 'date-time' };

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'thump API',
      version,
      description:
        'Hosts, events, silences, notifiers and sweeps of a running thump monitor. Read endpoints are open; write endpoints need `Authorization: Bearer <token>`. Errors are JSON `{error, statusCode}`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
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
          type: 'object',
          required: ['host'],
          properties: {
            host: { type: 'string', description: 'host id or glob (web-*)' },
            for: { type: 'string', description: 'duration such as 2h (or give until)' },
            until: { type: 'string', format: 'date-time' },
            startsAt: { type: 'string', format: 'date-time' },
            cron: { type: 'string', description: 'recurring: 5-field cron (UTC) for each start' },
            duration: { type: 'string', description: 'length of each cron window' },
            comment: { type: 'string' },
            createdBy: { type: 'string' },
          },
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
      },
    },
    paths: {
      '/healthz': {
        get: {
          summary: 'Liveness and database check',
          responses: {
            200: json({ type: 'object' }),
            503: json({ type: 'object' }, 'Degraded: the reasons list says why'),
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format)',
          responses: {
            200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } },
      },
      '/api/info': {
        get: {
          summary: 'Server facts: version, start time, counters',
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/api/summary': {
        get: { summary: 'Host counts by state', responses: { 200: json({ type: 'object' }) } },
      },
      '/api/hosts': {
        get: {
          summary: 'Hosts, sorted by id',
          parameters: [
            q('state', 'comma-separated or repeated: up, down, left, flapping'),
            q('id', 'glob on host id (web-*, db-?)'),
            q('label', 'key=value or key (repeatable; all must match)'),
            q('q', 'case-insensitive substring of id or address'),
            q('limit', 'page size', { type: 'integer', minimum: 1 }),
            q('offset', 'rows to skip', { type: 'integer', minimum: 0 }),
          ],
          responses: { 200: json({ type: 'array', items: ref('Host') }), 400: errorResponse('Bad filter') },
        },
      },
      '/api/hosts/{id}': {
        get: {
          summary: 'One host with its recent events and beat arrivals',
          parameters: [
            idPath('host id'),
            q('events', 'how many recent events (0-1000, default 50)', { type: 'integer' }),
          ],
          responses: {
            200: json({
              allOf: [
                ref('Host'),
                {
                  type: 'object',
                  properties: {
                    events: { type: 'array', items: ref('Event') },
                    beats: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          at: { type: 'string', format: 'date-time' },
                          gapMs: { type: ['integer', 'null'] },
                          latenessMs: { type: ['integer', 'null'] },
                        },
                      },
                    },
                  },
                },
              ],
            }),
            404: errorResponse('Unknown host'),
          },
        },
      },
      '/api/ui/hosts': {
        get: {
          summary: "The dashboard's compact bulk host list (rows of values; may change between versions)",
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/api/events': {
        get: {
          summary: 'Events, newest first. Next page: the Link rel="next" header or X-Next-Cursor.',
          parameters: [
            q('limit', '1-1000, default 100', { type: 'integer' }),
            q('before', 'cursor (from X-Next-Cursor) or event id: only older events'),
            q('after', 'cursor or event id: only newer events'),
            q('since', 'ISO 8601 or ms: events at or after'),
            q('until', 'ISO 8601 or ms: events before'),
            q('host', 'host id'),
            q('type', 'event type(s), comma-separated or repeated'),
          ],
          responses: {
            200: json({ type: 'array', items: ref('Event') }),
            400: errorResponse('Bad cursor, time or type'),
          },
        },
      },
      '/api/stream': {
        get: {
          summary:
            'Server-Sent Events: `event` (id = event id, data {event, host}), `beats` (data {now, rows}), `reset`; `: ping` every 15 s. Resumes after Last-Event-ID (header) or ?lastEventId=.',
          parameters: [q('lastEventId', 'resume after this event id (the Last-Event-ID header wins)')],
          responses: {
            200: {
              description: 'Event stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            400: errorResponse('Bad Last-Event-ID'),
          },
        },
      },
      '/api/silences': {
        get: {
          summary: 'Active and pending silences (all=1 adds expired ones)',
          parameters: [q('all', '1 to include expired silences')],
          responses: { 200: json({ type: 'array', items: ref('Silence') }) },
        },
        post: {
          summary: 'Add a silence',
          security: auth,
          requestBody: { required: true, content: { 'application/json': { schema: ref('SilenceRequest') } } },
          responses: {
            201: json(ref('Silence'), 'Created'),
            400: errorResponse('Invalid silence or malformed JSON'),
            401: unauthorized,
          },
        },
      },
      '/api/silences/{id}': {
        get: {
          summary: 'One silence',
          parameters: [idPath('silence id')],
          responses: {
            200: json(ref('Silence')),
            400: errorResponse('Bad id'),
            404: errorResponse('Unknown silence'),
          },
        },
        delete: {
          summary: 'Remove an API silence',
          security: auth,
          parameters: [idPath('silence id')],
          responses: {
            204: { description: 'Removed' },
            401: unauthorized,
            404: errorResponse('Unknown silence'),
            409: errorResponse('Silence comes from the config file'),
          },
        },
      },
      '/api/notifiers': {
        get: {
          summary: 'Notifier delivery health and outbox depth',
          responses: {
            200: json({
              type: 'object',
              properties: {
                outboxDepth: { type: 'integer' },
                notifiers: { type: 'array', items: ref('Notifier') },
              },
            }),
          },
        },
      },
      '/api/notifiers/{name}/test': {
        post: {
          summary: 'Send a test notification through one notifier now',
          security: auth,
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: json({ type: 'object' }),
            401: unauthorized,
            404: errorResponse('Unknown notifier'),
            502: errorResponse('The notifier failed (message says why)'),
          },
        },
      },
      '/api/sweeps': {
        get: {
          summary: 'Sweep runs, newest first',
          parameters: [q('limit', '1-1000, default 50', { type: 'integer' })],
          responses: { 200: json({ type: 'array', items: ref('SweepRun') }) },
        },
      },
      '/api/sweeps/{id}': {
        get: {
          summary: 'One sweep run with every host result',
          parameters: [idPath('run id')],
          responses: {
            200: json({
              allOf: [
                ref('SweepRun'),
                { type: 'object', properties: { results: { type: 'array', items: ref('SweepResult') } } },
              ],
            }),
            404: errorResponse('Unknown run'),
          },
        },
      },
      '/api/sweep-hosts': {
        get: {
          summary: 'Each agentless (swept) host with its latest result and up/down state',
          responses: { 200: json({ type: 'array', items: { type: 'object' } }) },
        },
      },
    },
  };
}
