/**
 * `npm run provision -- ...`: the command line of ./orchestrator.ts under its first name, with
 * `provision` as the verb unless the first argument names another (`npm run provision -- status
 * ID`, `... update ...`, `... teardown ...`, `... cancel ...`, `... resolve ...`).
 */
import { main } from './orchestrator';

main({ program: 'npm run provision --', defaultVerb: 'provision' });
