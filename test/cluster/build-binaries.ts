/**
 * Jest global setup of `npm run test:cluster`: builds the Temporal server, its SQL tool and the
 * Web UI server at docker-compose.yml's versions, unless cached (.cluster/), so that no test's
 * `beforeAll` pays the first build.
 */
import { pinnedVersions, serverBinaries, uiBinaries } from '../../scripts/cluster/binaries';

export default async function buildBinaries(): Promise<void> {
  const versions = pinnedVersions();
  const log = (line: string) => console.error(`[test:cluster] ${line}`);
  await serverBinaries(versions.server, log);
  await uiBinaries(versions.ui, log);
}
