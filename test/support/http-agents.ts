import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSender } from './monitor-harness.js';
import { type Proc, ROOT, spawnThump } from './proc.js';

/** True once `thump agent` is a real command in the built CLI (not the placeholder). */
export function agentCliReady(): boolean {
  const file = join(ROOT, 'dist/cli/agent.js');
  return existsSync(file) && !readFileSync(file, 'utf8').includes('(not yet available)');
}

/**
 * Starts one heartbeat agent beating to the monitor's UDP port every `intervalMs`: the
 * built `thump agent` when it exists, else the monitor suite's minimal sender (same wire
 * protocol), so the dashboard tests exercise the real monitor either way.
 */
export function startAgent(udpPort: number, id: string, intervalMs: number, secretFile: string): Proc {
  if (!agentCliReady()) return startSender(udpPort, id, intervalMs, secretFile);
  return spawnThump(
    [
      'agent',
      '--to',
      `127.0.0.1:${udpPort}`,
      '--id',
      id,
      '--interval',
      `${intervalMs}ms`,
      '--secret-file',
      secretFile,
    ],
    { THUMP_CONFIG: '' },
  );
}
