import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveApiUrl } from "../../../src/digitalocean/api-url.js";
import { DigitalOceanConfigError } from "../../../src/digitalocean/errors.js";
import { resolveToken } from "../../../src/digitalocean/token.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tokenFile(content: string, mode: number): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "dcv-token-"));
  dirs.push(dir);
  const file = join(dir, "do-token");
  await writeFile(file, content);
  await chmod(file, mode);
  return { dir, file };
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DigitalOceanConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a rejection");
}

describe("the API token", () => {
  it("comes from DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, DO_API_TOKEN in that order", async () => {
    expect(await resolveToken({ env: { DO_API_TOKEN: "c", DIGITALOCEAN_ACCESS_TOKEN: "b", DIGITALOCEAN_TOKEN: "a" } })).toEqual({ value: "a", source: "DIGITALOCEAN_TOKEN" });
    expect(await resolveToken({ env: { DO_API_TOKEN: "c", DIGITALOCEAN_ACCESS_TOKEN: "b" } })).toEqual({ value: "b", source: "DIGITALOCEAN_ACCESS_TOKEN" });
    expect(await resolveToken({ env: { DO_API_TOKEN: " c\n", DIGITALOCEAN_TOKEN: "" } })).toEqual({ value: "c", source: "DO_API_TOKEN" });
  });

  it("comes from an inventory's token_file before the environment, relative to the inventory", async () => {
    const { dir } = await tokenFile("dop_v1_secret\n", 0o600);
    const token = await resolveToken({ env: { DIGITALOCEAN_TOKEN: "env" }, tokenFile: "do-token", baseDir: dir });
    expect(token).toEqual({ value: "dop_v1_secret", source: `token file ${join(dir, "do-token")}` });
  });

  it("comes from DIGITALOCEAN_TOKEN_FILE last", async () => {
    const { file } = await tokenFile("from-file", 0o400);
    expect((await resolveToken({ env: { DIGITALOCEAN_TOKEN_FILE: file } })).value).toBe("from-file");
  });

  it("refuses a token file that group or others can read, saying how to fix it", async () => {
    const { file } = await tokenFile("secret", 0o644);
    expect(await failure(resolveToken({ env: { DIGITALOCEAN_TOKEN_FILE: file } }))).toBe(
      `token file ${file} (DIGITALOCEAN_TOKEN_FILE) is accessible by group or others (mode 0644); refusing to use it: run chmod 600 ${file}`,
    );
    const { file: groupOnly } = await tokenFile("secret", 0o640);
    expect(await failure(resolveToken({ env: {}, tokenFile: groupOnly }))).toContain("(mode 0640)");
  });

  it("refuses an empty or multi-word token file, and says what to set when there is no token at all", async () => {
    const { file } = await tokenFile("\n", 0o600);
    expect(await failure(resolveToken({ env: {}, tokenFile: file }))).toContain("is empty");
    const { file: two } = await tokenFile("a b\n", 0o600);
    expect(await failure(resolveToken({ env: {}, tokenFile: two }))).toContain("must hold only the token");
    expect(await failure(resolveToken({ env: {} }))).toBe(
      "no DigitalOcean API token: set DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, DO_API_TOKEN or DIGITALOCEAN_TOKEN_FILE, or token_file in the inventory file",
    );
  });
});

describe("the API base URL", () => {
  it("is api_url, else DIGITALOCEAN_API_URL, else DigitalOcean's, without a trailing / or /v2", () => {
    const env = { DIGITALOCEAN_API_URL: "http://10.77.0.1:8089/" };
    expect(resolveApiUrl("https://proxy.example/do/v2/", env)).toBe("https://proxy.example/do");
    expect(resolveApiUrl(undefined, env)).toBe("http://10.77.0.1:8089");
    expect(resolveApiUrl(undefined, {})).toBe("https://api.digitalocean.com");
  });

  it("must be a plain http(s) URL", () => {
    expect(() => resolveApiUrl("ftp://x", {})).toThrow('api_url: must be an http or https URL, found "ftp://x"');
    expect(() => resolveApiUrl(undefined, { DIGITALOCEAN_API_URL: "not a url" })).toThrow('DIGITALOCEAN_API_URL: not a URL: "not a url"');
    expect(() => resolveApiUrl("https://u:p@x/", {})).toThrow(DigitalOceanConfigError);
  });
});
