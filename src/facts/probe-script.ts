/**
 * The one shell round trip that gathers facts: POSIX sh (dash) with coreutils, iproute2, procps,
 * util-linux and glibc's getent, all on a minimal Debian; no Python, no root. Every probe prints
 * a tagged section (`@@dcv@@ KEY`, see sections.ts); the parsers in parse/ turn them into the
 * facts ansible-core's setup module gives, reading what its collectors read.
 *
 * Facts are gathered on every host in every run, so the script is written for few programs (a
 * program's start costs a host 1–7 ms of CPU; docs/variables.md, "What a gather costs a host"):
 * shell builtins where they do the job, and every file a collector reads listed by `F`
 * and printed at the end by one `head -v -c -0` (all of each file; unlike tail, head goes on past
 * a file whose read fails, as sysfs's speed of a down link does), whose `==> PATH <==` headers
 * Sections splits into one section per path (a file F skips as unreadable has none, one whose
 * read failed is empty: get_file_content's default either way).
 *
 * `R KEY CMD...` also records CMD's exit status (section `rc:KEY`), for the collectors that look
 * at it.
 */
export const PROBE_SCRIPT = String.raw`
S() { printf '\n@@dcv@@ %s\n' "$*"; }
R() { k=$1; shift; S "$k"; "$@" 2>/dev/null; r=$?; S "rc:$k"; echo "$r"; }
have() { command -v "$1" >/dev/null 2>&1; }
fl=
F() { for f; do [ -r "$f" ] && fl="$fl$f
"; done; }
# The environment this user's processes start with: the shell's own, as sshd or sudo gave it,
# before the remote shell's prelude set LC_ALL and PATH. /proc/self/status is the reader's own
# (head's, with this shell's ids and CPU affinity).
S shell_pid; echo $$
F /proc/$$/environ /proc/self/status /sys/devices/system/cpu/online
# Ansible's get_bin_path looks in the sbin directories too, whatever PATH says.
PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"
S uname; uname -snrvm
S long_bit; getconf LONG_BIT 2>/dev/null
n=; read -r n </proc/sys/kernel/hostname 2>/dev/null
S hosts_self; getent ahosts "$n" 2>/dev/null | { read -r a _ && [ -n "$a" ] && getent hosts "$a"; }
F /var/lib/dbus/machine-id /etc/machine-id
S dist_files; for f in /etc/altlinux-release /etc/oracle-release /etc/slackware-version /etc/centos-release /etc/redhat-release /etc/openwrt_release /etc/os-release /etc/system-release /etc/alpine-release /etc/SuSE-release /etc/gentoo-release /etc/lsb-release /etc/sourcemage-release /usr/lib/os-release /etc/coreos/update.conf; do [ -s "$f" ] && echo "$f"; done; for f in /etc/vmware-release /etc/arch-release; do [ -e "$f" ] && echo "$f"; done
F /etc/os-release /etc/debian_version /etc/lsb-release /proc/cmdline
have lsb_release && R lsb_release lsb_release -a
# date_time: now, and the zone's names in winter and summer (Python's time.tzname), one program.
S date; date -f - '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z' <<'DCV_DATES'
now
Jan 1 12:00
Jul 1 12:00
DCV_DATES
F /etc/resolv.conf /proc/sys/crypto/fips_enabled
S exists; for f in /sys/kernel/security/apparmor /sys/fs/selinux/enforce /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted /usr/bin/rpm /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /rhev/ /dev/kvm /sys/devices/virtual/dmi/id/product_name /etc/mtab; do [ -e "$f" ] && echo "$f"; done
S bins; for b in systemctl initctl capsh lsblk findmnt udevadm dmidecode ethtool vgs lvs pvs; do have "$b" && echo "$b"; done
# libselinux.so.1 in the dynamic linker's cache, where ldconfig -p would list it from.
S selinux_lib; grep -qa 'libselinux\.so\.1' /etc/ld.so.cache 2>/dev/null && echo present
F /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /etc/selinux/config
have capsh && R capsh capsh --print
# / and PID 1's root for chroot; python3's stamp (facts/known-python.ts) last.
st=$(stat -L -c '%n %d %i %s %Y %Z' / /proc/1/root/. /usr/bin/python3 2>/dev/null)
S chroot; echo "debian_chroot=$debian_chroot"; echo "$st"
[ -e /proc/1/root/. ] || { S chroot_fstype; stat -f -c '%T' / 2>/dev/null; }
S pkg_paths; for f in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin /opt/tools/bin/pkgin /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew /sbin/apk /usr/sbin/pkg /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg /usr/bin/xbps-install /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp /QOpenSys/pkgs/bin/yum; do [ -e "$f" ] && echo "$f"; done
[ -e /usr/bin/rpm ] && R apt_rpm /usr/bin/rpm -q --whatprovides /usr/bin/apt-get
# service_mgr reads /sbin/init's link only when PID 1's name does not settle it.
c=; [ -r /proc/1/comm ] && read -r c </proc/1/comm
S proc1; if [ -n "$c" ]; then echo "$c"; else ps -p 1 -o comm 2>/dev/null | tail -n 1; fi
case $c in ''|init|*sh) [ -L /sbin/init ] && { S sbin_init; readlink /sbin/init; } ;; esac
# getpass.getuser(): the first of these variables that is set, else the password entry of the uid.
u=$LOGNAME; [ -n "$u" ] || u=$USER; [ -n "$u" ] || u=$LNAME; [ -n "$u" ] || u=$USERNAME; [ -n "$u" ] || u=$(id -un)
S user; echo "$u"; getent passwd "$u" 2>/dev/null || getent passwd "$(id -u)"
for d in /etc/ssh /etc/openssh /etc; do for a in dsa rsa ecdsa ed25519; do F "$d/ssh_host_$a"_key.pub; done; done
if [ -d /etc/ansible/facts.d ]; then S local_dir; for f in /etc/ansible/facts.d/*.fact; do [ -e "$f" ] || continue; if [ $(( 0x$(stat -c %f "$f" 2>/dev/null || echo 0) & 64 )) -ne 0 ]; then e=$(mktemp); S "local_out $f"; "$f" 2>"$e"; r=$?; S "local_rc $f"; echo "$r"; S "local_err $f"; cat "$e"; rm -f "$e"; else S "local_out $f"; cat "$f" 2>/dev/null; fi; done; fi
# python3 runs unless the gather knows what this very binary reports (DCV_PYTHON: its stamp).
case $st in *"/usr/bin/python3 $DCV_PYTHON") ;; *) [ -x /usr/bin/python3 ] && S python && /usr/bin/python3 -c 'import sys, json
try:
    from ssl import create_default_context, SSLContext
    ssl = True
except ImportError:
    ssl = False
print(json.dumps({"version_info": list(sys.version_info), "executable": sys.executable, "has_sslcontext": ssl, "type": sys.implementation.name}))' 2>/dev/null ;; esac
F /proc/loadavg /proc/uptime /proc/meminfo /proc/cpuinfo /sys/hypervisor/type
dmi=/sys/devices/virtual/dmi/id
for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor product_family; do F "$dmi/$f"; done
if [ ! -e $dmi/product_name ] && have dmidecode; then for k in bios-release-date bios-vendor bios-version baseboard-asset-tag baseboard-product-name baseboard-serial-number baseboard-manufacturer baseboard-version chassis-asset-tag chassis-serial-number chassis-manufacturer chassis-version chassis-type system-product-name system-serial-number system-uuid system-version system-manufacturer; do R "dmidecode $k" dmidecode -s "$k"; done; elif have dmidecode; then R "dmidecode system-product-name" dmidecode -s system-product-name; fi
if [ -e /etc/mtab ]; then m=/etc/mtab; else m=/proc/mounts; fi; F $m
have findmnt && R findmnt findmnt --list --noheadings --notruncate
have lsblk && R lsblk lsblk --list --noheadings --paths --output NAME,UUID --exclude 2
# statvfs of every mount point of a device, a path or a share (the mount table's octal escapes
# undone), in one stat; each line ends with the mount point it is for.
awk 'NF >= 4 { print $1; print $2 }' $m 2>/dev/null | {
  mp=
  while IFS= read -r dev && IFS= read -r mnt; do
    case $mnt in *\\*) mnt=$(printf '%b' "$(printf '%s' "$mnt" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')") ;; esac
    case $dev in *\\*) dev=$(printf '%b' "$(printf '%s' "$dev" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')") ;; esac
    case $dev in /*|\\*|*:/*) ;; *) continue ;; esac
    mp="$mp$mnt
"
    have udevadm && { S "udev $dev"; udevadm info --query property --name "$dev" 2>/dev/null | grep '^ID_FS_UUID='; }
  done
  S statvfs; IFS='
'; set -f; [ -n "$mp" ] && stat -f -c '%S %s %b %a %f %c %d %n' -- $mp 2>/dev/null; set +f; unset IFS
}
if have vgs && [ "$(id -u)" = 0 ]; then for c in vgs lvs pvs; do have $c && { S "lvm_$c"; $c --noheadings --nosuffix --units g --separator , 2>/dev/null; }; done; fi
F /proc/1/cgroup /proc/1/environ /run/systemd/container /proc/xen/capabilities /proc/modules
[ -d /rhev/ ] && { S v_vdsm; cat /proc/[0-9]*/comm 2>/dev/null | grep -qxE 'vdsmd?' && echo yes; }
F /etc/iscsi/initiatorname.iscsi /etc/nvme/hostnqn /sys/class/fc_host/*/port_name
S route4; ip -4 route get 8.8.8.8 2>/dev/null
S route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
# Devices in directory order (os.listdir's, which a glob would sort).
nd=$(ls -U /sys/class/net 2>/dev/null)
S net_devices; [ -d /sys/class/net ] && echo "$nd"
for d in $nd; do
  p=/sys/class/net/$d; [ -d "$p" ] || continue
  for f in address mtu operstate type speed flags bridge/bridge_id bridge/stp_state bonding/slaves bonding/mode bonding/miimon bonding/lacp_rate bonding/primary bonding/all_slaves_active bonding_slave/perm_hwaddr; do F "$p/$f"; done
  S "net_is $d"; for f in address mtu operstate type speed flags bridge bonding bonding_slave device; do [ -e "$p/$f" ] && echo "$f"; done
  [ -e "$p/bridge" ] && { S "net_brif $d"; ls -U "$p/brif" 2>/dev/null; }
  # os.path.realpath of the driver's module and of the device link, by subshells of this shell
  # (the parser takes their last component): sysfs links point at directories, not at links.
  [ -e "$p/device/driver/module" ] && { S "net_module $d"; (cd -P "$p/device/driver/module" 2>/dev/null && pwd -P); }
  [ -e "$p/device" ] && { S "net_pciid $d"; (cd -P "$p/device" 2>/dev/null && pwd -P); }
  if have ethtool; then R "ethtool_k $d" ethtool -k "$d"; R "ethtool_T $d" ethtool -T "$d"; fi
done
# Every device's addresses in one listing; the parser splits it as ip addr show primary|secondary dev D would.
R ip_addr ip addr show
S files_read; printf '%s' "$fl"
S files; IFS='
'; set -f; [ -n "$fl" ] && head -v -c -0 -- $fl 2>/dev/null; set +f; unset IFS
S end
`;
