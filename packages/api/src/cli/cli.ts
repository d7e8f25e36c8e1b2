import { parseArgs } from 'node:util';
import { dataPaths } from '../app.js';
import { generateToken, hashToken, isRole } from '../auth/tokens.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { startServer } from '../server.js';
import { createMetadataStore } from '../storage/create-stores.js';
import { TokenName } from '../schemas/admin.js';

const USAGE = `usage:
  gradiend-api serve                                  start the server (settings from the environment)
  gradiend-api tokens create --name N --role read|write|admin
  gradiend-api tokens list
  gradiend-api tokens revoke --name N`;

type Out = (line: string) => void;

async function tokens(argv: string[], out: Out, err: Out): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' } },
  });
  const config = loadConfig();
  const store = createMetadataStore(config, dataPaths(config.dataDir));
  try {
    await store.migrate();
    if (action === 'create') {
      const { name, role } = values;
      if (!name || !role || !isRole(role)) {
        err('tokens create needs --name and --role read|write|admin');
        return 2;
      }
      // The API's rule, so the CLI never makes a token the API cannot name (spaces, `/`, newlines).
      if (!new RegExp(TokenName.pattern ?? '').test(name)) {
        err(`token name ${JSON.stringify(name)} must match ${TokenName.pattern}`);
        return 2;
      }
      const token = generateToken();
      await store.createToken({ name, role, tokenHash: hashToken(token), actor: 'cli' });
      out(token);
      return 0;
    }
    if (action === 'list') {
      for (const t of await store.listTokens()) {
        out(`${t.name}\t${t.role}\t${t.createdAt}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}`);
      }
      return 0;
    }
    if (action === 'revoke' && values.name) {
      if (await store.revokeToken(values.name, 'cli')) return 0;
      err(`no active token named ${values.name}`);
      return 1;
    }
    err(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

/** The `gradiend-api` command; returns the exit code. */
export async function runCli(
  argv: string[],
  out: Out = (l) => process.stdout.write(`${l}\n`),
  err: Out = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'tokens') return await tokens(rest, out, err);
    if (command === 'serve' || command === undefined) {
      await startServer(loadConfig());
      return 0;
    }
    err(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`configuration error: ${error.message}`);
      return 2;
    }
    err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
