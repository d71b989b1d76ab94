// `npm run docs`: writes the modules' reference (docs/modules/) and the CLI reference
// (docs/cli.md) from the code, and the files the guides include (src/doc/includes.ts).
// test/unit/doc/generated-docs.test.ts fails when they are stale.
import { writeDocs } from "../src/doc/generate.js";

const root = new URL("../", import.meta.url).pathname;
const written = writeDocs(root);
const pages = written.filter((p) => p.startsWith("docs/modules/") && p !== "docs/modules/README.md").length;
process.stdout.write(`wrote docs/cli.md, docs/modules/README.md, ${pages} module pages and ${written.length - pages - 2} guides' includes\n`);
