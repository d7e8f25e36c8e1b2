import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { repoRoot, webDist } from './paths.js';

export interface RunningServer {
  /** Where the browser goes: the API serves the dashboard at its root. */
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly dataDir: string;
  /** The server process (its RSS includes the worker threads). */
  readonly pid: number;
  /** Everything the server printed so far (last 20,000 characters). */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Extra settings for the server (e.g. GRADIEND_ANALYSIS_MEMORY_BYTES). */
  readonly env?: Readonly<Record<string, string>>;
  /** Build and serve the dashboard (default); API-only suites skip the build. */
  readonly dashboard?: boolean;
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`API did not become healthy:\n${log()}`);
}

async function servesIndexHtml(url: string): Promise<boolean> {
  try {
    // A browser navigation asks for HTML; the SPA fallback answers only such requests.
    const res = await fetch(`${url}/models/x/v/latest`, { headers: { accept: 'text/html' } });
    return res.ok && (res.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

/** Builds the dashboard when needed and starts the real API on a free port with a fresh data dir. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const dashboard = options.dashboard ?? true;
  // Always test the current sources; GRADIEND_E2E_SKIP_BUILD=1 reuses an existing build when iterating.
  const built = existsSync(path.join(webDist, 'index.html'));
  if (dashboard && (process.env.GRADIEND_E2E_SKIP_BUILD !== '1' || !built)) {
    const build = spawnSync('pnpm', ['--filter', '@gradiend/web', 'build'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('building the dashboard failed');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-data-'));
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gradiend/source', 'src/main.ts', 'serve'],
    {
      cwd: path.join(repoRoot, 'packages', 'api'),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        GRADIEND_DATA_DIR: dataDir,
        GRADIEND_WEB_DIR: webDist,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  await waitForHealth(apiUrl, child, () => output);

  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  // The product serves API and dashboard from one origin; the suite tests exactly that.
  if (dashboard && !(await servesIndexHtml(apiUrl))) {
    await stop();
    throw new Error(`the API at ${apiUrl} does not serve the dashboard from ${webDist}:\n${output}`);
  }
  return {
    baseUrl: apiUrl,
    apiUrl,
    dataDir,
    pid: child.pid ?? 0,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop,
  };
}
