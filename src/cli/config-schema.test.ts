import { describe, expect, it } from 'vitest';
import { ConfigIssuesError } from '../config/issue.js';
import { configJsonSchema } from '../config/json-schema.js';
import { parseConfigText } from '../config/loader.js';
import { ConfigError } from '../errors.js';
import { configSchema } from './config-schema.js';

function problem(text: string, overrides?: object): ConfigIssuesError {
  try {
    parseConfigText(configSchema, text, 't.yaml', overrides ? { overrides } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigIssuesError);
    return err as ConfigIssuesError;
  }
  throw new Error('expected the config to be rejected');
}

describe('address keys are checked by the parsers that read them at start-up', () => {
  it.each([
    ['http:\n  listen: off\n'],
    ['http:\n  listen: "127.0.0.1:8080"\n'],
    ['http:\n  listen: "[::1]:8080"\n'],
    ['http:\n  listen: ":9090"\n'],
    ['http:\n  listen: "9090"\n'],
    ['monitor:\n  udp: ["43278", "0.0.0.0:43278", "[::]:43278", "127.0.0.1"]\n'],
    ['agent:\n  to: [monitor.example.net, "monitor.example.net:43278", "[::1]:43278", "10.0.0.1"]\n'],
  ])('accepts %j', (text) => {
    expect(() => parseConfigText(configSchema, text, 't.yaml')).not.toThrow();
  });

  it.each([
    [
      'http:\n  listen: nowhere\n',
      't.yaml:2:3: http.listen: expected ADDR:PORT such as 127.0.0.1:8080 or [::1]:8080, got "nowhere"',
    ],
    [
      'http:\n  listen: "127.0.0.1:99999"\n',
      't.yaml:2:3: http.listen: expected a port between 0 and 65535, got "99999"',
    ],
    [
      'monitor:\n  udp: ["43278", abc]\n',
      't.yaml:2:18: monitor.udp[1]: "abc" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT',
    ],
    [
      'monitor:\n  udp: ["[nope]:43278"]\n',
      't.yaml:2:9: monitor.udp[0]: "[nope]:43278" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT',
    ],
    [
      'agent:\n  to: [ok.example.net, "bad host"]\n',
      't.yaml:2:24: agent.to[1]: "bad host" is not HOST[:PORT]',
    ],
    [
      'agent:\n  to: ["m.example.net:70000"]\n',
      't.yaml:2:8: agent.to[0]: "m.example.net:70000" has no valid port (1-65535)',
    ],
  ])('rejects %j with one line naming the key', (text, line) => {
    const err = problem(text);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`invalid configuration: ${line}`);
  });

  it('names the key when the bad value came from a flag', () => {
    const err = problem('', { monitor: { udp: ['abc'] }, http: { listen: 'x' }, agent: { to: ['a b'] } });
    expect(err.issues.map((i) => `${i.origin.kind} ${i.path}`).sort()).toEqual([
      'flag agent.to[0]',
      'flag http.listen',
      'flag monitor.udp[0]',
    ]);
  });

  it('reports a bad UDP address together with problems elsewhere in the file', () => {
    const err = problem('grouping:\n  group_wait: soon\nmonitor:\n  udp: [abc]\n  legacy: maybe\n');
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'grouping.group_wait',
      'monitor.legacy',
      'monitor.udp[0]',
    ]);
  });
});

describe('the composed schema as JSON Schema', () => {
  it('covers every area', () => {
    const real = configJsonSchema(configSchema) as { properties: Record<string, unknown> };
    expect(Object.keys(real.properties)).toEqual(
      expect.arrayContaining(['monitor', 'http', 'agent', 'notifiers', 'grouping', 'sweep']),
    );
  });
});
