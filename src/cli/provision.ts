/** `npm run provision`: the command line over the client library (see ./provision-command). */
import { reportFailure } from './failure';
import { runProvisionCommand } from './provision-command';

// `--debug` anywhere adds every cause and the stack trace to a failure's one line.
const argv = process.argv.slice(2);
const debug = argv.includes('--debug');

runProvisionCommand(argv.filter((arg) => arg !== '--debug')).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(reportFailure(err, debug)),
);
