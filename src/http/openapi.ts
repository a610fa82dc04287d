/**
 * The OpenAPI 3.1 description served at `/api/openapi.json`. Written by hand next to the
 * routes (a test checks that every route is described and every description has a route).
 */

import { LIMITS } from '../util/limits.js';
import { componentSchemas, ref } from './openapi-schemas.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const q = (
  name: string,
  description: string,
  schema: object = { type: 'string', maxLength: LIMITS.queryValueLength },
) => ({
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
  schema: { type: 'string', maxLength: LIMITS.hostIdLength },
});
const auth = [{ bearer: [] }];
const unauthorized = errorResponse('Missing or wrong bearer token');

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
      schemas: componentSchemas(),
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
            q('id', `glob on host id (web-*, db-?); at most ${LIMITS.globWildcards} wildcards`, {
              type: 'string',
              maxLength: LIMITS.globLength,
            }),
            q('label', 'key=value or key (repeatable; all must match)', {
              type: 'string',
              maxLength: LIMITS.labelKeyLength + 1 + LIMITS.labelValueLength,
            }),
            q('q', 'case-insensitive substring of id or address', {
              type: 'string',
              maxLength: LIMITS.hostIdLength,
            }),
            q('limit', `page size (default and most ${LIMITS.hostsPage}); X-Total-Count has the total`, {
              type: 'integer',
              minimum: 1,
              maximum: LIMITS.hostsPage,
            }),
            q('offset', 'rows to skip (the Link rel="next" header has the next page)', {
              type: 'integer',
              minimum: 0,
              maximum: LIMITS.offset,
            }),
          ],
          responses: { 200: json({ type: 'array', items: ref('Host') }), 400: errorResponse('Bad filter') },
        },
      },
      '/api/hosts/{id}': {
        get: {
          summary: 'One host with its recent events and beat arrivals',
          parameters: [
            idPath('host id'),
            q('events', `how many recent events (0-${LIMITS.eventsPage}, default 50)`, {
              type: 'integer',
              minimum: 0,
              maximum: LIMITS.eventsPage,
            }),
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
      '/api/ui/meta': {
        get: {
          summary:
            "The dashboard's shared lists: {eventTypes, hostStates, severities, compactFields} (the field names of /api/ui/hosts rows)",
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/api/events': {
        get: {
          summary: 'Events, newest first. Next page: the Link rel="next" header or X-Next-Cursor.',
          parameters: [
            q('limit', `1-${LIMITS.eventsPage}, default 100`, {
              type: 'integer',
              minimum: 1,
              maximum: LIMITS.eventsPage,
            }),
            q('before', 'cursor (from X-Next-Cursor) or event id: only older events'),
            q('after', 'cursor or event id: only newer events'),
            q('since', 'ISO 8601 or ms: events at or after'),
            q('until', 'ISO 8601 or ms: events before'),
            q('host', 'host id', { type: 'string', maxLength: LIMITS.hostIdLength }),
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
            'Server-Sent Events: `event` (id = event id, data {event, host}), `beats` (data {now, fields, rows}: rows in `fields` order), `reset`; `: ping` every 15 s. Resumes after Last-Event-ID (header) or ?lastEventId=.',
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
          parameters: [
            q('all', '1 to include expired silences'),
            q('limit', `at most this many, newest first (default and most ${LIMITS.silencesPage})`, {
              type: 'integer',
              minimum: 1,
              maximum: LIMITS.silencesPage,
            }),
          ],
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
          parameters: [
            q('limit', `1-${LIMITS.sweepsPage}, default 50`, {
              type: 'integer',
              minimum: 1,
              maximum: LIMITS.sweepsPage,
            }),
          ],
          responses: { 200: json({ type: 'array', items: ref('SweepRun') }) },
        },
      },
      '/api/sweeps/{id}': {
        get: {
          summary: 'One sweep run with its host results (paged; X-Total-Count has the total)',
          parameters: [
            idPath('run id'),
            q('limit', `results per page (default and most ${LIMITS.hostsPage})`, {
              type: 'integer',
              minimum: 1,
              maximum: LIMITS.hostsPage,
            }),
            q('offset', 'results to skip', { type: 'integer', minimum: 0, maximum: LIMITS.offset }),
          ],
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
