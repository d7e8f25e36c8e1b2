// pnpm start: builds what is missing or stale, then serves the API and the dashboard.
// Plain Node ESM on purpose: it must run before anything in the workspace is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Build order matters: the api's built server imports the core's dist. `inputs` are what a build
 * reads, `outputs` files every build rewrites; a build runs when an output is missing or older than
 * the newest input.
 */
const PACKAGES = [
  {
    name: '@gradiend/core',
    dir: 'packages/core',
    inputs: ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
    outputs: ['dist/index.js', 'dist/node.js'],
  },
  {
    name: '@gradiend/web',
    dir: 'packages/web',
    // The dashboard bundles the core's and the API vocabulary's sources (vite reads them directly).
    inputs: [
      'src',
      'public',
      'index.html',
      'package.json',
      'tsconfig.json',
      'vite.config.ts',
      '../core/src',
      '../api/src/schemas/vocabulary.ts',
    ],
    outputs: ['dist/index.html'],
  },
  {
    name: '@gradiend/api',
    dir: 'packages/api',
    inputs: ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
    outputs: ['dist/cli/cli.js', 'dist/workers/worker.js'],
  },
];

/** Newest modification time below `p` (0 when it does not exist). */
function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function staleReason(pkg) {
  const dir = path.join(root, pkg.dir);
  const outputs = pkg.outputs.map((o) => path.join(dir, o));
  const missing = outputs.find((o) => !existsSync(o));
  if (missing) return `${path.relative(root, missing)} is missing`;
  const built = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  const changed = Math.max(...pkg.inputs.map((i) => newestMtime(path.join(dir, i))));
  return changed > built ? 'sources changed since the last build' : null;
}

for (const pkg of PACKAGES) {
  const reason = staleReason(pkg);
  if (reason === null) {
    console.log(`start: ${pkg.name} is up to date`);
    continue;
  }
  console.log(`start: building ${pkg.name} (${reason})`);
  const build = spawnSync('pnpm', ['--filter', pkg.name, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status === 0) continue;
  console.error(`start: ${pkg.name} failed to build (exit ${build.status ?? build.signal})`);
  process.exit(1);
}

// The server reads PORT, HOST, GRADIEND_DATA_DIR and the other settings from this environment.
const server = spawn(process.execPath, [path.join(root, 'packages/api/bin/gradiend-api.js'), 'serve'], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
