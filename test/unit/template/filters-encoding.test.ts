import { describe, expect, it } from "vitest";
import { TemplateRuntimeError } from "../../../src/template/index.js";
import { expr, renderError } from "./helpers.js";

// Encodings, digests, password hashes and seeded randomness. Expected values come from CPython:
// base64, uuid.uuid5 with Ansible's namespace, hashlib, crypt.crypt (glibc) and random.Random.

describe("base64 and uuid", () => {
  it("encodes and decodes base64 (UTF-8), strict about padding", () => {
    expect(expr("'hello' | b64encode")).toBe("aGVsbG8=");
    expect(expr("'aGVsbG8=' | b64decode")).toBe("hello");
    expect(expr("'héllo' | b64encode | b64decode")).toBe("héllo");
    expect(expr("'<<??>>' | b64encode(urlsafe=true)")).toBe("PDw_Pz4-");
    expect(renderError("{{ 'aGVsbG8' | b64decode }}")).toBeInstanceOf(TemplateRuntimeError);
  });

  it("makes uuid5 values in Ansible's namespace", () => {
    expect(expr("'www.example.com' | to_uuid")).toBe("69680a13-a686-5d20-a166-0e7b3b17ef84");
  });
});

describe("digests and password hashes", () => {
  it("hashes text", () => {
    expect(expr("'hello' | hash('md5')")).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(expr("'hello' | hash('sha256')")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(expr("'hello' | hash")).toBe("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    expect(expr("'hello' | checksum")).toBe("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    expect(expr("'hello' | sha1")).toBe("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    expect(expr("'hello' | md5")).toBe("5d41402abc4b2a76b9719d911017c592");
  });

  it("makes crypt(3) hashes identical to glibc's for a given salt", () => {
    expect(expr("'secret' | password_hash('sha512', 'mysalt')")).toBe(
      "$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1",
    );
    expect(expr("'Hello world!' | password_hash('sha512', 'saltstring')")).toBe(
      "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
    );
    expect(expr("'secret' | password_hash('sha256', salt='mysalt', rounds=10000)")).toBe("$5$rounds=10000$mysalt$RK8oV3aZ0mdR6FVKOsrBjdx9qLpoXF151qNsu.uoLzD");
    expect(expr("'secret' | password_hash('sha512', salt='mysalt', rounds=5000)")).toBe(
      "$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1",
    );
    expect(expr("'secret' | password_hash('md5', 'mysalt')")).toBe("$1$mysalt$n/EfEiV74OYgBdqhKQzSW/");
    expect(expr("'secret' | password_hash('sha512', 'x' * 20)")).toMatch(/^\$6\$x{16}\$/);
  });

  it("uses a random salt when none is given", () => {
    const a = expr("'pw' | password_hash");
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(expr("'pw' | password_hash")).not.toBe(a);
  });
});

describe("random and shuffle with a seed", () => {
  it("pick what CPython's random.Random(seed) picks", () => {
    expect(expr("59 | random(seed='web1')")).toBe("52");
    expect(expr("60 | random(seed='db-2.example.com')")).toBe("28");
    expect(expr("100 | random(3, 7, seed='')")).toBe("52");
    expect(expr("['a','b','c'] | random(seed='db1')")).toBe("a");
    expect(expr("[1,2,3,4,5] | shuffle(seed='x')")).toBe("[5, 2, 1, 4, 3]");
    expect(expr("60 | random(seed=42)")).toBe("40");
  });

  it("stay within range without a seed", () => {
    for (let i = 0; i < 20; i++) expect(Number(expr("10 | random"))).toBeLessThan(10);
  });
});

describe("sizes", () => {
  it("formats sizes like Ansible's human_readable and parses them back", () => {
    expect(expr("1048576 | human_readable")).toBe("1.00 MB");
    expect(expr("1500 | human_readable")).toBe("1.46 KB");
    expect(expr("123 | human_readable")).toBe("123.00 Bytes");
    expect(expr("1048576 | human_readable(isbits=true)")).toBe("1.00 Mb");
    expect(expr("1048576 | human_readable(unit='K')")).toBe("1024.00 KB");
    expect(expr("'10M' | human_to_bytes")).toBe("10485760");
    expect(expr("'2 GB' | human_to_bytes")).toBe("2147483648");
  });
});
