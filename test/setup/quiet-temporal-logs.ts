/**
 * Temporal's default logger prints every worker state change at INFO; in tests only warnings
 * and errors help. `Runtime.install` may run once per process, and jest runs every test file
 * in one process (--runInBand) with a fresh module registry each, so a second install is
 * expected to fail and is ignored.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'WARN') ?? 'WARN') });
} catch {
  // Already installed by an earlier test file in this process.
}
