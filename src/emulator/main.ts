/**
 * `npm run emulator -- --port N ...`: runs the emulator until SIGINT/SIGTERM. The first stdout
 * line is `Orchestrator emulator listening on <url>` (benchmarks and scripts parse it).
 */
import { CliUsageError, HELP, USAGE, parseCliOptions } from './cli-options';
import { startEmulator } from './index';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === HELP) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`Orchestrator emulator listening on ${emulator.url}\n`);
  process.stdout.write(`Account SID ${emulator.credentials.accountSid} (credentials: see --help)\n`);

  const stop = (signal: NodeJS.Signals): void => {
    process.stdout.write(`Received ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Orchestrator emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
