import { createHash } from "node:crypto";
import { TemplateValueError } from "../errors.js";

// Python's random.Random: the Mersenne Twister seeded exactly as CPython seeds it (a str seed is
// extended with its SHA-512, then fed to init_by_array as 32-bit little-endian words), and the
// randbelow/randrange/choice/shuffle algorithms on top. `{{ 59 | random(seed=inventory_hostname) }}`
// — the usual way to spread cron jobs — must pick the same minute as Ansible does.

const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: string | number | bigint) {
    this.initByArray(PythonRandom.seedWords(seed));
  }

  private static seedWords(seed: string | number | bigint): number[] {
    let n: bigint;
    if (typeof seed === "string") {
      const bytes = Buffer.from(seed, "utf8");
      const all = Buffer.concat([bytes, createHash("sha512").update(bytes).digest()]);
      n = all.length === 0 ? 0n : BigInt(`0x${all.toString("hex")}`);
    } else {
      if (typeof seed === "number" && !Number.isInteger(seed)) throw new TemplateValueError("float seeds are not supported");
      n = BigInt(seed);
      if (n < 0n) n = -n;
    }
    const words: number[] = [];
    while (n > 0n) {
      words.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    return words.length === 0 ? [0] : words;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = ((((mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ?? 0;
      mt[i] = ((((mt[i] ?? 0) ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] ?? 0;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private genrandUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      const mag = (y: number): number => (y & 1 ? 0x9908b0df : 0);
      for (; kk < N - M; kk++) {
        const y = ((mt[kk] ?? 0) & 0x80000000) | ((mt[kk + 1] ?? 0) & 0x7fffffff);
        mt[kk] = ((mt[kk + M] ?? 0) ^ (y >>> 1) ^ mag(y)) >>> 0;
      }
      for (; kk < N - 1; kk++) {
        const y = ((mt[kk] ?? 0) & 0x80000000) | ((mt[kk + 1] ?? 0) & 0x7fffffff);
        mt[kk] = ((mt[kk + (M - N)] ?? 0) ^ (y >>> 1) ^ mag(y)) >>> 0;
      }
      const y = ((mt[N - 1] ?? 0) & 0x80000000) | ((mt[0] ?? 0) & 0x7fffffff);
      mt[N - 1] = ((mt[M - 1] ?? 0) ^ (y >>> 1) ^ mag(y)) >>> 0;
      this.mti = 0;
    }
    let y = mt[this.mti++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) for k up to 53. */
  getrandbits(k: number): number {
    if (k <= 0) return 0;
    if (k <= 32) return this.genrandUint32() >>> (32 - k);
    // Python fills 32-bit words from least significant, the last one shifted down.
    let result = 0;
    let factor = 1;
    for (let remaining = k; remaining > 0; remaining -= 32) {
      let r = this.genrandUint32();
      if (remaining < 32) r >>>= 32 - remaining;
      result += r * factor;
      factor *= 2 ** 32;
    }
    return result;
  }

  randbelow(n: number): number {
    if (n <= 0) return 0;
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new TemplateValueError(`empty range in randrange(${start}, ${stop})`);
    }
    let n: number;
    if (step > 0) n = Math.floor((width + step - 1) / step);
    else if (step < 0) n = Math.floor((width + step + 1) / step);
    else throw new TemplateValueError("zero step for randrange()");
    if (n <= 0) throw new TemplateValueError("empty range for randrange()");
    return start + step * this.randbelow(n);
  }

  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new TemplateValueError("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
