import { z } from 'zod';
import { agentConfigShape } from '../agent/config.js';
import { UsageError } from '../errors.js';
import { httpConfigShape } from '../http/config.js';
import { monitorConfigShape } from '../monitor/config.js';
import { parseUdpListen } from '../monitor/receiver.js';
import { notifyConfigShape } from '../notify/config.js';
import { sweepConfigShape } from '../sweep/config.js';
import { crossKeyProblems } from './cross-checks.js';

/**
 * The whole thump.yaml. Each product area owns its top-level keys (and their defaults)
 * in its own config.ts; this file only composes them, plus the checks that span sections
 * (cross-checks.ts). Strict: unknown keys are errors.
 */
export const configSchema = z
  .strictObject({
    ...monitorConfigShape,
    ...httpConfigShape,
    ...agentConfigShape,
    ...notifyConfigShape,
    ...sweepConfigShape,
  })
  .superRefine((cfg, ctx) => {
    for (const p of crossKeyProblems(cfg)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  })
  // Each `monitor.udp` item must be what the receiver's parser reads at start-up. The check
  // belongs beside the key in src/monitor/config.ts; it runs here (even when other keys are
  // wrong, so every problem is listed at once) until it moves there.
  .superRefine(
    (cfg, ctx) => {
      const udp: unknown = (cfg as { monitor?: { udp?: unknown } }).monitor?.udp;
      if (!Array.isArray(udp)) return;
      udp.forEach((text: unknown, i) => {
        if (typeof text !== 'string') return;
        try {
          parseUdpListen(text, 'monitor.udp');
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          const message = err.message.replace(/^monitor\.udp: /, '');
          ctx.addIssue({ code: 'custom', path: ['monitor', 'udp', i], message });
        }
      });
    },
    { when: () => true },
  );

export type ThumpConfig = z.output<typeof configSchema>;
