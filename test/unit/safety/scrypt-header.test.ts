import { describe, expect, it } from "vitest";
import { DEFAULT_SCRYPT, decryptText, encryptText, scryptParamsProblem } from "../../../src/secrets/envelope.js";
import { SecretsError } from "../../../src/secrets/errors.js";
import { SecretsKeyring } from "../../../src/secrets/keyring.js";

const FILE = "inventory/group_vars/all/secrets.yml";

/** An envelope whose header asks for other scrypt parameters (its payload stays well-formed). */
async function withHeader(params: string): Promise<string> {
  const sealed = await encryptText("a: 1\n", "pw", { N: 1024, r: 8, p: 1 });
  return sealed.replace("N=1024,r=8,p=1", params);
}

describe("the scrypt parameters an encrypted file's header may ask for", () => {
  it("4 GiB per derivation (N=2^20, r=32: accepted before) is refused at once, naming the file, before any password is asked", async () => {
    let asked = 0;
    const keyring = new SecretsKeyring({ prompt: () => (asked++, Promise.resolve("pw")) });
    const err = await keyring.decrypt(await withHeader("N=1048576,r=32,p=1"), FILE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsError);
    expect((err as Error).message).toBe(
      `${FILE}: the header's scrypt parameters (N=1048576,r=32,p=1) ask for 4096 MiB per key derivation, above the 256 MiB do-converge accepts (its own files use 32 MiB)`,
    );
    expect(asked).toBe(0);
  });

  it("memory up to 256 MiB is accepted, above it refused; work up to 16 times the default, above it refused", async () => {
    expect(scryptParamsProblem({ N: 2 ** 18, r: 8, p: 1 })).toBeUndefined();
    expect(scryptParamsProblem({ N: 2 ** 19, r: 8, p: 1 })).toMatch(/^ask for 512 MiB per key derivation/);
    expect(scryptParamsProblem({ N: 2 ** 15, r: 16, p: 8 })).toBeUndefined();
    expect(scryptParamsProblem({ N: 2 ** 15, r: 8, p: 17 })).toBe("ask for 17 times the work of do-converge's own files, above the 16 times it accepts");
    await expect(decryptText(await withHeader("N=32768,r=8,p=64"), "pw", FILE)).rejects.toThrow(`${FILE}: the header's scrypt parameters (N=32768,r=8,p=64) ask for 64 times the work`);
    for (const bad of ["N=1000,r=8,p=1", "N=512,r=8,p=1", "N=1024,r=0,p=1", "N=1024,r=8,p=0", `N=${"9".repeat(40)},r=8,p=1`]) {
      await expect(decryptText(await withHeader(bad), "pw", FILE)).rejects.toThrow(`${FILE}: the header's scrypt parameters (${bad}) are out of range`);
    }
  });

  it("what do-converge itself writes stays accepted, and it never writes what it would refuse", async () => {
    expect(scryptParamsProblem(DEFAULT_SCRYPT)).toBeUndefined();
    expect(await decryptText(await encryptText("a: 1\n", "pw"), "pw", FILE)).toBe("a: 1\n");
    await expect(encryptText("a: 1\n", "pw", { N: 2 ** 20, r: 32, p: 1 })).rejects.toThrow(RangeError);
  });
});
