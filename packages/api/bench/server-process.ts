import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A port the kernel just handed out on loopback (closed again before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process in bytes (Linux /proc). */
export function readMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** CPU seconds (user + system, all threads) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Samples a process's RSS until stopped; VmHWM covers spikes between samples. Samples are also
 * kept per named phase (`phase(name)` starts one), so a peak can be traced to what caused it.
 */
export class RssSampler {
  private peak: number;
  private current = 'start';
  private readonly phases = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  readonly start: { rss: number; hwm: number };

  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.start = readMemory(pid);
    this.peak = this.start.rss;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): number {
    const rss = readMemory(this.pid).rss;
    this.peak = Math.max(this.peak, rss);
    this.phases.set(this.current, Math.max(this.phases.get(this.current) ?? 0, rss));
    return rss;
  }

  /** Ends the current phase (with one last sample) and starts `name`. */
  phase(name: string): void {
    this.sample();
    this.current = name;
  }

  stop(): { before: number; peak: number; hwm: number; phases: ReadonlyMap<string, number> } {
    clearInterval(this.timer);
    this.sample();
    const end = readMemory(this.pid);
    return { before: this.start.rss, peak: this.peak, hwm: end.hwm, phases: this.phases };
  }
}

export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns `args` under this Node and waits until `healthUrl` answers 2xx (60 s at most). */
async function spawnServer(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  url: string,
  healthUrl: string,
): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    // The child's stdout goes to our stderr so that --json output stays clean.
    stdio: ['ignore', 2, 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(healthUrl)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer ${healthUrl} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Extra Node flags for the real server from GRADIEND_BENCH_SERVER_NODE_FLAGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a benchmark's server time goes.
 */
function serverNodeFlags(): string[] {
  return (process.env.GRADIEND_BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
}

/**
 * Starts the real server in a child process on loopback with a fresh data dir: the built one
 * (`bin/gradiend-api.js`) or, by default, the TypeScript sources under tsx.
 */
export async function startServer(options: {
  dataDir: string;
  built: boolean;
  /** Extra server settings (e.g. GRADIEND_ANALYSIS_MEMORY_BYTES). */
  env?: Readonly<Record<string, string>>;
}): Promise<BenchServer> {
  const port = await freePort();
  const entry = options.built
    ? [path.join(packageRoot, 'bin', 'gradiend-api.js'), 'serve']
    : [
        '--import',
        import.meta.resolve('tsx'),
        '--conditions=@gradiend/source',
        path.join(packageRoot, 'src', 'main.ts'),
        'serve',
      ];
  const args = [...serverNodeFlags(), ...entry];
  const url = `http://127.0.0.1:${port}`;
  const env = {
    HOST: '127.0.0.1',
    PORT: String(port),
    GRADIEND_DATA_DIR: options.dataDir,
    GRADIEND_SEED_DEMO: 'on',
    GRADIEND_AUTH: 'off',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  return spawnServer(args, env, url, `${url}/api/health`);
}

/** The bare fastify floor (floor-server.ts) in its own process, like the real server. */
export async function startFloorServer(): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['--import', import.meta.resolve('tsx'), path.join(packageRoot, 'bench', 'floor-server.ts')];
  // Any answer (404 included) means it listens.
  return spawnServer(args, { PORT: String(port) }, url, `${url}/`);
}
