/**
 * A unified diff of two texts, byte for byte what GNU `diff -U<context>` prints after its two
 * header lines: the same hunks, the same alignment of changed lines, `\ No newline at end of file`
 * markers. It follows GNU diffutils' algorithm (analyze.c, gnulib diffseq.h, context.c): trim the
 * identical prefix and suffix keeping `context` lines of each, discard lines that cannot match,
 * Myers' O(ND) bisection, then slide change boundaries as diff does. Inputs past maxLines are
 * summarised rather than diffed, since a config file is far smaller and a huge diff helps nobody.
 */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }, context = 3, maxLines = 4000): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const header = `--- ${labels.from}\n+++ ${labels.to}\n`;
  if (a.length > maxLines || b.length > maxLines) return `${header}@@ (${a.length} lines -> ${b.length} lines; too large to show) @@\n`;
  const ctx = Math.max(0, Math.floor(context));
  let out = header;
  for (const hunk of hunks(editScript(a, b, ctx), ctx)) out += renderHunk(a, b, hunk, ctx);
  return out;
}

/** Lines with their "\n"; a last line without one stays different from the same text with one. */
function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** `deleted` lines of before at line0 replaced by `inserted` lines of after at line1 (0-based). */
interface Change {
  line0: number;
  line1: number;
  deleted: number;
  inserted: number;
}

/** A flag per line with an always-0 sentinel before the first and after the last, as diff has. */
class Flags {
  private readonly v: Uint8Array;
  constructor(readonly length: number) {
    this.v = new Uint8Array(length + 2);
  }
  get(i: number): boolean {
    return (this.v[i + 1] ?? 0) !== 0;
  }
  set(i: number, on: boolean): void {
    this.v[i + 1] = on ? 1 : 0;
  }
}

function editScript(a: readonly string[], b: readonly string[], horizon: number): Change[] {
  // Lines outside the region cannot change: the identical prefix and suffix, less `horizon`
  // lines of each that diff keeps so that shift_boundaries may move changes into them.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  const start = Math.max(0, prefix - horizon);
  let suffix = 0;
  const cap = Math.min(a.length, b.length) - start;
  while (suffix < cap && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const keep = Math.max(0, suffix - horizon);

  const classes = new Map<string, number>();
  const equiv = (line: string): number => {
    let id = classes.get(line);
    if (id === undefined) {
      id = classes.size + 1;
      classes.set(line, id);
    }
    return id;
  };
  const files = [a.slice(start, a.length - keep).map(equiv), b.slice(start, b.length - keep).map(equiv)] as const;
  const changed = [new Flags(files[0].length), new Flags(files[1].length)] as const;

  const [undiscarded, realIndex] = discardConfusingLines(files, changed);
  compareseq(undiscarded, realIndex, changed);
  shiftBoundaries(files, changed);

  const script: Change[] = [];
  let i0 = files[0].length;
  let i1 = files[1].length;
  while (i0 >= 0 || i1 >= 0) {
    if (changed[0].get(i0 - 1) || changed[1].get(i1 - 1)) {
      const line0 = i0;
      const line1 = i1;
      while (changed[0].get(i0 - 1)) i0--;
      while (changed[1].get(i1 - 1)) i1--;
      script.unshift({ line0: i0 + start, line1: i1 + start, deleted: line0 - i0, inserted: line1 - i1 });
    }
    i0--;
    i1--;
  }
  return script;
}

/**
 * diff's discard_confusing_lines: lines with no match in the other file are changes outright;
 * lines with very many matches are left out of the comparison when inside a run of those.
 */
function discardConfusingLines(files: readonly [number[], number[]], changed: readonly [Flags, Flags]): [[number[], number[]], [number[], number[]]] {
  const counts = files.map((f) => {
    const c = new Map<number, number>();
    for (const e of f) c.set(e, (c.get(e) ?? 0) + 1);
    return c;
  });
  const discarded = files.map((f, fi) => {
    const other = counts[1 - fi] as Map<number, number>;
    let many = 5;
    let tem = Math.floor(f.length / 64);
    while ((tem >>= 2) > 0) many *= 2;
    return Uint8Array.from(f, (e) => {
      const n = other.get(e) ?? 0;
      return n === 0 ? 1 : n > many ? 2 : 0;
    });
  });

  for (const discards of discarded) {
    const end = discards.length;
    for (let i = 0; i < end; i++) {
      if (discards[i] === 2) discards[i] = 0;
      else if (discards[i] !== 0) {
        let j: number;
        let provisional = 0;
        for (j = i; j < end; j++) {
          if (discards[j] === 0) break;
          if (discards[j] === 2) provisional++;
        }
        while (j > i && discards[j - 1] === 2) {
          discards[--j] = 0;
          provisional--;
        }
        const length = j - i;
        if (provisional * 4 > length) {
          while (j > i) if (discards[--j] === 2) discards[j] = 0;
        } else {
          let minimum = 1;
          let tem = length >> 2;
          while ((tem >>= 2) > 0) minimum <<= 1;
          minimum++;
          let consec = 0;
          for (j = 0; j < length; j++) {
            if (discards[i + j] !== 2) consec = 0;
            else if (minimum === ++consec) j -= consec;
            else if (minimum < consec) discards[i + j] = 0;
          }
          consec = 0;
          for (j = 0; j < length; j++) {
            if (j >= 8 && discards[i + j] === 1) break;
            if (discards[i + j] === 2) {
              consec = 0;
              discards[i + j] = 0;
            } else if (discards[i + j] === 0) consec = 0;
            else consec++;
            if (consec === 3) break;
          }
          i += length - 1;
          consec = 0;
          for (j = 0; j < length; j++) {
            if (j >= 8 && discards[i - j] === 1) break;
            if (discards[i - j] === 2) {
              consec = 0;
              discards[i - j] = 0;
            } else if (discards[i - j] === 0) consec = 0;
            else consec++;
            if (consec === 3) break;
          }
        }
      }
    }
  }

  const undiscarded: [number[], number[]] = [[], []];
  const realIndex: [number[], number[]] = [[], []];
  files.forEach((f, fi) => {
    const discards = discarded[fi] as Uint8Array;
    f.forEach((e, i) => {
      if (discards[i] === 0) {
        undiscarded[fi as 0 | 1].push(e);
        realIndex[fi as 0 | 1].push(i);
      } else changed[fi as 0 | 1].set(i, true);
    });
  });
  return [undiscarded, realIndex];
}

/** gnulib diffseq.h compareseq/diag (no --minimal, no --speed-large-files), marking changes. */
function compareseq(vecs: readonly [number[], number[]], realIndex: readonly [number[], number[]], changed: readonly [Flags, Flags]): void {
  const [xv, yv] = vecs;
  const offset = yv.length + 1;
  const fd = new Int32Array(xv.length + yv.length + 3);
  const bd = new Int32Array(xv.length + yv.length + 3);
  const LIN_MAX = 0x7fffffff;
  let diags = xv.length + yv.length + 3;
  let tooExpensive = 1;
  for (; diags !== 0; diags >>= 2) tooExpensive <<= 1;
  tooExpensive = Math.max(4096, tooExpensive);

  const F = (d: number) => fd[d + offset] as number;
  const B = (d: number) => bd[d + offset] as number;
  const setF = (d: number, v: number) => {
    fd[d + offset] = v;
  };
  const setB = (d: number, v: number) => {
    bd[d + offset] = v;
  };

  /** The midpoint of a shortest edit script of x[xoff,xlim) and y[yoff,ylim), and whether its halves are minimal. */
  function diag(xoff: number, xlim: number, yoff: number, ylim: number, findMinimal: boolean): [number, number, boolean, boolean] {
    const dmin = xoff - ylim;
    const dmax = xlim - yoff;
    const fmid = xoff - yoff;
    const bmid = xlim - ylim;
    let fmin = fmid;
    let fmax = fmid;
    let bmin = bmid;
    let bmax = bmid;
    const odd = ((fmid - bmid) & 1) !== 0;
    setF(fmid, xoff);
    setB(bmid, xlim);
    for (let c = 1; ; c++) {
      if (fmin > dmin) setF(--fmin - 1, -1);
      else fmin++;
      if (fmax < dmax) setF(++fmax + 1, -1);
      else fmax--;
      for (let d = fmax; d >= fmin; d -= 2) {
        const tlo = F(d - 1);
        const thi = F(d + 1);
        let x = tlo < thi ? thi : tlo + 1;
        let y = x - d;
        while (x < xlim && y < ylim && xv[x] === yv[y]) {
          x++;
          y++;
        }
        setF(d, x);
        if (odd && bmin <= d && d <= bmax && B(d) <= x) return [x, y, true, true];
      }
      if (bmin > dmin) setB(--bmin - 1, LIN_MAX);
      else bmin++;
      if (bmax < dmax) setB(++bmax + 1, LIN_MAX);
      else bmax--;
      for (let d = bmax; d >= bmin; d -= 2) {
        const tlo = B(d - 1);
        const thi = B(d + 1);
        let x = tlo < thi ? tlo : thi - 1;
        let y = x - d;
        while (xoff < x && yoff < y && xv[x - 1] === yv[y - 1]) {
          x--;
          y--;
        }
        setB(d, x);
        if (!odd && fmin <= d && d <= fmax && x <= F(d)) return [x, y, true, true];
      }
      if (findMinimal) continue;
      // Heuristic: past the call of duty, give up and report halfway between the best so far.
      if (c >= tooExpensive) {
        let fxybest = -1;
        let fxbest = 0;
        for (let d = fmax; d >= fmin; d -= 2) {
          let x = Math.min(F(d), xlim);
          let y = x - d;
          if (ylim < y) {
            x = ylim + d;
            y = ylim;
          }
          if (fxybest < x + y) {
            fxybest = x + y;
            fxbest = x;
          }
        }
        let bxybest = LIN_MAX;
        let bxbest = 0;
        for (let d = bmax; d >= bmin; d -= 2) {
          let x = Math.max(xoff, B(d));
          let y = x - d;
          if (y < yoff) {
            x = yoff + d;
            y = yoff;
          }
          if (x + y < bxybest) {
            bxybest = x + y;
            bxbest = x;
          }
        }
        if (xlim + ylim - bxybest < fxybest - (xoff + yoff)) return [fxbest, fxybest - fxbest, true, false];
        return [bxbest, bxybest - bxbest, false, true];
      }
    }
  }

  function compare(xoff: number, xlim: number, yoff: number, ylim: number, findMinimal: boolean): void {
    while (xoff < xlim && yoff < ylim && xv[xoff] === yv[yoff]) {
      xoff++;
      yoff++;
    }
    while (xoff < xlim && yoff < ylim && xv[xlim - 1] === yv[ylim - 1]) {
      xlim--;
      ylim--;
    }
    if (xoff === xlim) {
      while (yoff < ylim) changed[1].set(realIndex[1][yoff++] as number, true);
    } else if (yoff === ylim) {
      while (xoff < xlim) changed[0].set(realIndex[0][xoff++] as number, true);
    } else {
      const [xmid, ymid, loMinimal, hiMinimal] = diag(xoff, xlim, yoff, ylim, findMinimal);
      compare(xoff, xmid, yoff, ymid, loMinimal);
      compare(xmid, xlim, ymid, ylim, hiMinimal);
    }
  }

  compare(0, xv.length, 0, yv.length, false);
}

/** diff's shift_boundaries: slide runs of changes over identical lines to merge them, else down. */
function shiftBoundaries(files: readonly [number[], number[]], changed: readonly [Flags, Flags]): void {
  for (const f of [0, 1] as const) {
    const ch = changed[f];
    const other = changed[f === 0 ? 1 : 0];
    const equivs = files[f];
    const iEnd = equivs.length;
    let i = 0;
    let j = 0;
    for (;;) {
      while (i < iEnd && !ch.get(i)) {
        while (other.get(j++));
        i++;
      }
      if (i === iEnd) break;
      let start = i;
      while (ch.get(++i));
      while (other.get(j)) j++;
      let runlength: number;
      let corresponding: number;
      do {
        runlength = i - start;
        while (start && equivs[start - 1] === equivs[i - 1]) {
          ch.set(--start, true);
          ch.set(--i, false);
          while (ch.get(start - 1)) start--;
          while (other.get(--j));
        }
        corresponding = other.get(j - 1) ? i : iEnd;
        while (i !== iEnd && equivs[start] === equivs[i]) {
          ch.set(start++, false);
          ch.set(i++, true);
          while (ch.get(i)) i++;
          while (other.get(++j)) corresponding = i;
        }
      } while (runlength !== i - start);
      while (corresponding < i) {
        ch.set(--start, true);
        ch.set(--i, false);
        while (other.get(--j));
      }
    }
  }
}

/** diff's find_hunk: changes closer than 2*context+1 unchanged lines share a hunk. */
function hunks(script: readonly Change[], context: number): Change[][] {
  const out: Change[][] = [];
  for (const c of script) {
    const hunk = out.at(-1);
    const prev = hunk?.at(-1);
    if (hunk && prev && c.line0 - (prev.line0 + prev.deleted) < 2 * context + 1) hunk.push(c);
    else out.push([c]);
  }
  return out;
}

/** diff's pr_unidiff_hunk. */
function renderHunk(a: readonly string[], b: readonly string[], hunk: readonly Change[], context: number): string {
  const first = hunk[0] as Change;
  const last = hunk.at(-1) as Change;
  const first0 = Math.max(first.line0 - context, 0);
  const first1 = Math.max(first.line1 - context, 0);
  const last0 = Math.min(last.line0 + last.deleted - 1 + context, a.length - 1);
  const last1 = Math.min(last.line1 + last.inserted - 1 + context, b.length - 1);
  let out = `@@ -${range(first0, last0)} +${range(first1, last1)} @@\n`;
  let i = first0;
  let j = first1;
  let k = 0;
  while (i <= last0 || j <= last1) {
    const next = hunk[k];
    if (!next || i < next.line0) {
      out += line(" ", a[i++] as string);
      j++;
    } else {
      for (let n = 0; n < next.deleted; n++) out += line("-", a[i++] as string);
      for (let n = 0; n < next.inserted; n++) out += line("+", b[j++] as string);
      k++;
    }
  }
  return out;
}

/** diff's print_unidiff_number_range: "N" for one line, "N,0" (the line before) for none. */
function range(first: number, last: number): string {
  const a = first + 1;
  const b = last + 1;
  if (b <= a) return b < a ? `${b},0` : `${b}`;
  return `${a},${b - a + 1}`;
}

function line(mark: string, text: string): string {
  return text.endsWith("\n") ? `${mark}${text}` : `${mark}${text}\n\\ No newline at end of file\n`;
}
