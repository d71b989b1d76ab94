/**
 * A probe's output split at its marker lines (`<mark>name`): name → the lines up to the next
 * marker, "" → what came before the first. One round trip can then carry several commands'
 * answers, each read on its own.
 */
export function markedSections(text: string, mark: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = "";
  let buf: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith(mark)) {
      out.set(name, buf.join("\n"));
      name = line.slice(mark.length).trim();
      buf = [];
    } else buf.push(line);
  }
  out.set(name, buf.join("\n"));
  return out;
}
