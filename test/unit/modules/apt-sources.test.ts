import { describe, expect, it } from "vitest";
import { keyFormat } from "../../../src/modules/apt-key.js";
import { editListFile, formatOneLine, parseOneLine, renderDeb822, suggestFilename } from "../../../src/modules/apt-sources.js";

const KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0AAABYJKwYBBAHaRw8BAQdA\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";

describe("apt_repository: deb822 files", () => {
  it("renders fields in order, lists space-separated, optional fields only when given", () => {
    expect(renderDeb822({ types: ["deb"], uris: ["http://deb.example/debian"], suites: ["bookworm"], components: ["main", "contrib"], signedBy: "/etc/apt/keyrings/x.asc" })).toBe(
      "# Managed by do-converge: changes made here are overwritten.\nTypes: deb\nURIs: http://deb.example/debian\nSuites: bookworm\nComponents: main contrib\nSigned-By: /etc/apt/keyrings/x.asc\n",
    );
    expect(renderDeb822({ types: ["deb", "deb-src"], uris: ["file:/srv/repo"], suites: ["./"], components: [], architectures: ["amd64"], trusted: true, enabled: false })).toBe(
      "# Managed by do-converge: changes made here are overwritten.\nTypes: deb deb-src\nURIs: file:/srv/repo\nSuites: ./\nArchitectures: amd64\nTrusted: yes\nEnabled: no\n",
    );
  });

  it("embeds an armored key as a multi-line field, empty lines as ' .'", () => {
    const text = renderDeb822({ types: ["deb"], uris: ["http://x"], suites: ["s"], components: ["main"], signedBy: KEY });
    expect(text).toContain("Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mDMEZ0AAABYJKwYBBAHaRw8BAQdA\n =abcd\n -----END PGP PUBLIC KEY BLOCK-----\n");
  });
});

describe("apt_repository: one-line sources", () => {
  const line = parseOneLine("deb  [arch=amd64   signed-by=/etc/apt/keyrings/google.gpg]  http://dl.google.com/linux/chrome/deb/ stable main");

  it("parses and canonicalizes a line; refuses lines apt would refuse", () => {
    expect(line).toEqual({ type: "deb", options: ["arch=amd64", "signed-by=/etc/apt/keyrings/google.gpg"], uri: "http://dl.google.com/linux/chrome/deb/", suite: "stable", components: ["main"] });
    expect(formatOneLine(line)).toBe("deb [arch=amd64 signed-by=/etc/apt/keyrings/google.gpg] http://dl.google.com/linux/chrome/deb/ stable main");
    expect(formatOneLine(parseOneLine("deb file:/srv/repo ./"))).toBe("deb file:/srv/repo ./");
    expect(() => parseOneLine("deb http://x stable")).toThrow(/needs components/);
    expect(() => parseOneLine("rpm http://x stable main")).toThrow(/not a source line/);
  });

  it("names the file like Ansible: host and path of the URI", () => {
    expect(suggestFilename(line)).toBe("dl_google_com_linux_chrome_deb");
    expect(suggestFilename(parseOneLine("deb https://user:pw@repo.example.org:8443/apt bookworm main"))).toBe("repo_example_org_8443_apt");
  });

  it("adds the line once, re-enables a commented copy, keeps other lines, removes every active copy", () => {
    const want = formatOneLine(line);
    expect(editListFile("", line, true)).toBe(`${want}\n`);
    expect(editListFile(`# mine\n${want}\n`, line, true)).toBe(`# mine\n${want}\n`);
    expect(editListFile(`deb http://other x main\n# ${want}\n`, line, true)).toBe(`deb http://other x main\n${want}\n`);
    expect(editListFile(`deb http://other x main\n${want}\n`, line, false)).toBe("deb http://other x main\n");
    expect(editListFile(`# mine\n${want}\n`, line, false)).toBeUndefined();
    expect(editListFile("", line, false)).toBeUndefined();
    expect(editListFile("deb http://other x main\n", line, false)).toBe("deb http://other x main\n");
  });
});

describe("apt_signing_key: key formats", () => {
  it("tells armored from binary keys and refuses private keys and garbage", () => {
    expect(keyFormat(Buffer.from(KEY))).toBe("asc");
    expect(keyFormat(Buffer.from([0x99, 0x01, 0x0d]))).toBe("gpg");
    expect(keyFormat(Buffer.from([0xc6, 0x33]))).toBe("gpg");
    expect(() => keyFormat(Buffer.from("-----BEGIN PGP PRIVATE KEY BLOCK-----\n"))).toThrow(/private key/);
    expect(() => keyFormat(Buffer.from("hello"))).toThrow(/not an OpenPGP public key/);
  });
});
