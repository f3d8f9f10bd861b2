/**
 * `npm run cluster [-- --ui] [-- --keep-data] [-- --port 7233]`: the production stack of
 * docker-compose.yml without Docker (see ./stack.ts), until Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startCluster } from './stack';

const USAGE = `Usage: npm run cluster -- [--ui] [--keep-data] [--port N] [--ui-port N]

Builds (first run only) and starts PostgreSQL, the Temporal server and, with --ui, the Web UI,
all on 127.0.0.1, until Ctrl-C.
  --ui         also build and start the Temporal Web UI server
  --keep-data  keep the database in .cluster/data between runs (default: a throwaway one)
  --port N     the frontend's gRPC port (default 7233, as in docker-compose.yml)
  --ui-port N  the Web UI's port (default 8080)`;

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${flag}: must be a port number from 1 to 65535`);
  return n;
}

async function main(): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      options: {
        ui: { type: 'boolean', default: false },
        'keep-data': { type: 'boolean', default: false },
        port: { type: 'string' },
        'ui-port': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    options = {
      ui: values.ui,
      keepData: values['keep-data'],
      frontendPort: port(values.port, '--port', 7233),
      uiPort: port(values['ui-port'], '--ui-port', 8080),
    };
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }

  // Listening before starting: a Ctrl-C during start-up stops what has started (the terminal's
  // Ctrl-C also reaches a running Go build, which then fails the start).
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const started = Date.now();
  const cluster = await startCluster(options);
  console.log(`Temporal frontend: ${cluster.address} (namespace ${cluster.namespace})`);
  if (cluster.uiUrl) console.log(`Temporal Web UI:   ${cluster.uiUrl}`);
  console.log(`PostgreSQL:        127.0.0.1:${cluster.postgresPort} (user temporal)`);
  console.log(`Logs:              ${cluster.stateDir}`);
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Try:`);
  console.log(`  TEMPORAL_ADDRESS=${cluster.address} npm run worker`);
  console.log('Ctrl-C stops everything.');
  await signalled;
  console.log('Stopping...');
  await cluster.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
