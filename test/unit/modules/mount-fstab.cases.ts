// fstab edits for the differential test against ansible.posix.mount 1.5.4 (mount-fstab.test.ts):
// each case is a file (null: none) and the arguments of a state=present or absent_from_fstab task,
// the states that only edit the file. The mount points are never created: the oracle runs the
// real module on this machine.

export interface MountCase {
  name: string;
  content: string | null;
  args: {
    path: string;
    state: "present" | "absent_from_fstab";
    src?: string;
    fstype?: string;
    opts?: string;
    dump?: string | number;
    passno?: string | number;
    boot?: boolean;
  };
}

const DEBIAN = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n";
const TYPICAL = `# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
UUID=1111-aaaa  /               ext4    errors=remount-ro 0       1
UUID=2222-bbbb  none            swap    sw              0       0
tmpfs	/srv/dcv-oracle/cache	tmpfs	size=64m	0	0

/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
`;
const TMPFS = { src: "tmpfs", fstype: "tmpfs", state: "present" } as const;

export const MOUNT_CASES: MountCase[] = [
  { name: "a new line in a file that does not exist", content: null, args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "a new line after Debian's placeholder", content: DEBIAN, args: { path: "/srv/dcv-oracle/data", ...TMPFS, opts: "size=16m,mode=0755" } },
  { name: "a line already right, tabs kept", content: TYPICAL, args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=64m" } },
  { name: "other options: the line is rewritten, the rest kept", content: TYPICAL, args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=128m" } },
  { name: "another source and type", content: TYPICAL, args: { path: "/srv/dcv-oracle/cache", src: "/srv/dcv-oracle/real", fstype: "none", opts: "bind", state: "present" } },
  { name: "dump and passno as numbers", content: TYPICAL, args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=64m", dump: 1, passno: 2 } },
  { name: "a line of four fields is rewritten whole", content: "tmpfs /srv/dcv-oracle/cache tmpfs size=64m\n", args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=64m" } },
  { name: "a line of five fields is rewritten whole", content: "tmpfs /srv/dcv-oracle/cache tmpfs size=64m 0\n", args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=64m" } },
  { name: "a line of seven fields is not the path's", content: "tmpfs /srv/dcv-oracle/cache tmpfs size=64m 0 0 x\n", args: { path: "/srv/dcv-oracle/cache", ...TMPFS, opts: "size=64m" } },
  { name: "a last line without newline gets one when a line is added", content: "# no newline at the end", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "a last line without newline stays when nothing changes", content: "tmpfs /srv/dcv-oracle/data tmpfs defaults 0 0", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "a last line without newline that changes", content: "tmpfs /srv/dcv-oracle/data tmpfs size=1m 0 0", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "a commented line for the path is not the path's", content: "# tmpfs /srv/dcv-oracle/data tmpfs defaults 0 0\n", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "spaces, & and backslashes are escaped", content: DEBIAN, args: { path: "/srv/dcv oracle/a&b", src: "/srv/x\\y z", fstype: "none", opts: "bind", state: "present" } },
  { name: "an escaped line already right", content: "/srv/x\\134y\\040z /srv/dcv\\040oracle/a\\046b none bind 0 0\n", args: { path: "/srv/dcv oracle/a&b", src: "/srv/x\\y z", fstype: "none", opts: "bind", state: "present" } },
  { name: "two lines for the path, the first differs: both rewritten", content: "tmpfs /srv/dcv-oracle/data tmpfs size=1m 0 0\ntmpfs   /srv/dcv-oracle/data   tmpfs   defaults   0   0\n", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "two lines for the path, the second differs: it alone rewritten", content: "tmpfs   /srv/dcv-oracle/data   tmpfs   defaults   0   0\ntmpfs /srv/dcv-oracle/data tmpfs size=1m 0 0\n", args: { path: "/srv/dcv-oracle/data", ...TMPFS } },
  { name: "a swap line of another device is not this one's", content: TYPICAL, args: { path: "none", src: "/swapfile", fstype: "swap", opts: "sw", state: "present" } },
  { name: "a swap line of the same device", content: TYPICAL, args: { path: "none", src: "UUID=2222-bbbb", fstype: "swap", opts: "sw", state: "present" } },
  { name: "boot false adds noauto", content: DEBIAN, args: { path: "/srv/dcv-oracle/data", ...TMPFS, opts: "size=1m", boot: false } },
  { name: "boot false with the default options changes nothing in them", content: DEBIAN, args: { path: "/srv/dcv-oracle/data", ...TMPFS, boot: false } },
  { name: "boot false with noauto already there", content: DEBIAN, args: { path: "/srv/dcv-oracle/data", ...TMPFS, opts: "noauto,size=1m", boot: false } },
  { name: "a trailing slash is part of the path", content: "tmpfs /srv/dcv-oracle/data tmpfs defaults 0 0\n", args: { path: "/srv/dcv-oracle/data/", ...TMPFS } },
  { name: "absent_from_fstab removes the path's line, the rest kept", content: TYPICAL, args: { path: "/srv/dcv-oracle/cache", state: "absent_from_fstab" } },
  { name: "absent_from_fstab removes every line for the path", content: "a /srv/dcv-oracle/data tmpfs defaults 0 0\n# keep\nb /srv/dcv-oracle/data tmpfs defaults 0 0\n", args: { path: "/srv/dcv-oracle/data", state: "absent_from_fstab" } },
  { name: "absent_from_fstab leaves a line of four fields", content: "tmpfs /srv/dcv-oracle/data tmpfs defaults\n", args: { path: "/srv/dcv-oracle/data", state: "absent_from_fstab" } },
  { name: "absent_from_fstab with no line changes nothing", content: TYPICAL, args: { path: "/srv/dcv-oracle/data", state: "absent_from_fstab" } },
  { name: "absent_from_fstab keeps a last line without newline", content: "tmpfs /srv/dcv-oracle/data tmpfs defaults 0 0\n# last", args: { path: "/srv/dcv-oracle/data", state: "absent_from_fstab" } },
  { name: "absent_from_fstab of a swap line by its source", content: TYPICAL, args: { path: "none", src: "UUID=2222-bbbb", state: "absent_from_fstab" } },
  { name: "absent_from_fstab of a swap line of another source", content: TYPICAL, args: { path: "none", src: "/swapfile", state: "absent_from_fstab" } },
];
