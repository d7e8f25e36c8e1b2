import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Samples the process RSS every `intervalMs`. The timer cannot fire while a synchronous kernel
 * runs, so the kernel's peak comes from the kernel's own high-water mark (VmHWM) instead.
 */
export class PeakRssSampler {
  private peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 10) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** Stops sampling; returns the larger of the sampled peak and VmHWM (when /proc has it). */
  stop(): { sampled: number; hwm: number | null; peak: number } {
    clearInterval(this.timer);
    this.sample();
    const hwm = readVmHwm();
    return { sampled: this.peak, hwm, peak: Math.max(this.peak, hwm ?? 0) };
  }
}

/** VmHWM from /proc/self/status in bytes, or null off Linux. */
export function readVmHwm(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] === undefined ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

/**
 * Per-segment peaks: `segment()` returns VmHWM since the previous call and resets it (Linux
 * clear_refs 5), while `lifetimePeak` keeps the process-wide maximum. Null where /proc is missing.
 */
export class HwmSegments {
  private lifetime = readVmHwm() ?? 0;

  get lifetimePeak(): number {
    return Math.max(this.lifetime, readVmHwm() ?? 0);
  }

  segment(): number | null {
    const hwm = readVmHwm();
    if (hwm === null) return null;
    this.lifetime = Math.max(this.lifetime, hwm);
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      return hwm;
    }
    return hwm;
  }
}
