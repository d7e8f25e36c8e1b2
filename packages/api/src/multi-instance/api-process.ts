import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A free loopback port (there is a tiny window before the child binds it; fine for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  readonly base: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout/stderr, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `gradiend-api serve` from source (tsx) as a child process and waits until /api/ready is 200.
 * `entry`: another script (relative to the package) that starts the server, with its arguments.
 */
export async function startApiProcess(
  env: Record<string, string>,
  entry: readonly string[] = ['src/main.ts', 'serve'],
): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@gradiend/source', '--import', 'tsx', ...entry], {
    cwd: packageDir,
    // Background analysis off unless asked for: the tests count blobs and temp files.
    env: {
      ...process.env,
      GRADIEND_BACKGROUND_ANALYSIS: '0',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`API process exited (${code ?? signal}):\n${log}`)),
    ),
  );
  exited.catch(() => undefined);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await Promise.race([fetch(`${base}/api/ready`), exited]);
      if (res.status === 200) break;
    } catch (error) {
      if (child.exitCode !== null || child.signalCode !== null) throw error;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API process on ${base} not ready within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}
