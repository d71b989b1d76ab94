// The lab's file server: serves one directory (the site's artifacts: a WordPress tarball, a
// plugin zip) over plain HTTP on the lab bridge, standing in for wordpress.org and a plugin's
// download URL, which lab hosts cannot reach. Started detached by ensureFileServer() (see
// site-artifacts.ts) and stopped by `lab down`. argv: DIR HOST PORT.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, normalize } from "node:path";

const [dir, host, port] = process.argv.slice(2);
if (!dir || !host || !port) throw new Error("usage: files-daemon.ts DIR HOST PORT");

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  // Only plain file names directly in dir: no traversal, no listing, no dotfiles.
  const name = normalize(path).replace(/^\/+/, "");
  if ((req.method !== "GET" && req.method !== "HEAD") || !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
    res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405).end();
    return;
  }
  const file = join(dir, name);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
});

server.listen(Number(port), host, () => process.stdout.write(`files http://${host}:${port}/ from ${dir}\n`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
