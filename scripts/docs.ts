// `npm run docs`: writes the modules' reference (docs/modules/) and the CLI reference
// (docs/cli.md) from the code. test/unit/doc/generated-docs.test.ts fails when they are stale.
import { writeDocs } from "../src/doc/generate.js";

const root = new URL("../", import.meta.url).pathname;
const written = writeDocs(root);
process.stdout.write(`wrote docs/cli.md, docs/modules/README.md and ${written.length - 2} module pages\n`);
