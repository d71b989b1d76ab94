#!/usr/bin/env node
// The published entry point: the compiled CLI. `npm pack` (and publish) runs `prepack`, which
// compiles src/ to dist/; in a clone, `npm run build` does (npm test and npm run demo do it
// first), so this file never needs a TypeScript loader itself.
import "../dist/cli/bin.js";
