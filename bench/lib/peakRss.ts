import { readFileSync } from 'node:fs';

/**
 * Peak resident set size of this process in MiB: VmHWM from /proc/self/status
 * on Linux, else process.resourceUsage().maxRSS (kilobytes on every platform
 * Node supports).
 */
export function peakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match !== null) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall through to resourceUsage.
  }
  return process.resourceUsage().maxRSS / 1024;
}
