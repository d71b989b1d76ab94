#!/usr/bin/env node
// The published entry point: the compiled CLI. `npm ci` and `npm pack` both run `prepare`,
// which compiles src/ to dist/, so this file never needs a TypeScript loader itself.
import "../dist/cli/bin.js";
