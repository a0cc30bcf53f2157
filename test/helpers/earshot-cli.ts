// The earshot command run from the TypeScript sources (tests spawn it as a child process).
import { main } from '../../src/cli/main.js';

await main(process.argv);
