import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { AbsPath } from "./args.js";
import { ModuleError, defineReadModule } from "./contract.js";

// slurp: a file of the host read whole, base64-encoded, as ansible.builtin.slurp returns it
// (`content | b64decode` in a role). It only reads, so check mode runs it too. With noLog the
// task's result (the content) is in no output, report or trace.

const SlurpArgs = z.strictObject({
  src: AbsPath.describe("The file to read (a symlink is followed)."),
});

export interface SlurpResult {
  /** The file's bytes, base64 (standard alphabet, padded, no line breaks). */
  content: string;
  encoding: "base64";
  source: string;
}

/** Exit codes of the read script for Ansible's three named failures. */
const NOT_FOUND = 3;
const IS_DIR = 4;
const NOT_READABLE = 5;

export const slurp = defineReadModule({
  name: "slurp",
  args: SlurpArgs,
  doc: {
    summary: "A file of the host read whole, its content base64-encoded as Ansible's slurp returns it; changes nothing. With noLog the content is in no output or report.",
    example: 'const key = await h.slurp({ src: "/etc/ssh/ssh_host_ed25519_key.pub" });\nconst text = Buffer.from(key.content, "base64").toString("utf8");',
  },
  async read(ctx, args): Promise<SlurpResult> {
    const p = shellQuote(args.src);
    const r = await ctx.sh.run(`if [ ! -e ${p} ]; then exit ${NOT_FOUND}; elif [ -d ${p} ]; then exit ${IS_DIR}; elif [ ! -r ${p} ]; then exit ${NOT_READABLE}; fi; base64 -w0 -- ${p}`);
    if (r.rc === NOT_FOUND) throw new ModuleError(`file not found: ${args.src}`);
    if (r.rc === IS_DIR) throw new ModuleError(`source is a directory and must be a file: ${args.src}`);
    if (r.rc === NOT_READABLE) throw new ModuleError(`file is not readable: ${args.src}`);
    if (r.rc !== 0) throw new ModuleError(`unable to slurp file: ${args.src}: ${r.stderr.trim()}`, { rc: r.rc, stderr: r.stderr });
    return { content: r.stdout, encoding: "base64", source: args.src };
  },
});
