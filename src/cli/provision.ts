/** `npm run provision`: the command line over the client library (see ./provision-command). */
import { runProvisionCommand } from './provision-command';

void runProvisionCommand(process.argv.slice(2)).then((code) => process.exit(code));
