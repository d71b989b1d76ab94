import { crc32 } from "node:zlib";

// Archives with hostile members (../ names, absolute names, symlinks out of the destination),
// built byte by byte: the tools that make archives refuse to make these.

export type Member = { name: string; content: string } | { name: string; symlink: string };

function field(text: string, length: number): Buffer {
  const b = Buffer.alloc(length);
  b.write(text, "utf8");
  return b;
}

const octal = (n: number, length: number) => field(`${n.toString(8).padStart(length - 1, "0")}\0`, length);

/** A POSIX ustar archive of the members, in order. */
export function tarArchive(members: readonly Member[]): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const data = "content" in m ? Buffer.from(m.content) : Buffer.alloc(0);
    const header = Buffer.concat([
      field(m.name, 100),
      octal(0o644, 8),
      octal(0, 8),
      octal(0, 8),
      octal(data.length, 12),
      octal(0, 12),
      Buffer.from("        "), // the checksum field counts as spaces while the checksum is summed
      field("content" in m ? "0" : "2", 1),
      field("symlink" in m ? m.symlink : "", 100),
      field("ustar\0", 6),
      field("00", 2),
      field("root", 32),
      field("root", 32),
      octal(0, 8),
      octal(0, 8),
      field("", 155),
      field("", 12),
    ]);
    const sum = header.reduce((s, byte) => s + byte, 0);
    field(`${sum.toString(8).padStart(6, "0")}\0 `, 8).copy(header, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A zip archive of regular-file members, stored (not compressed). */
export function zipArchive(members: readonly { name: string; content: string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const data = Buffer.from(m.content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
