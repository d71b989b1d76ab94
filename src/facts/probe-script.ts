/**
 * The one shell round trip that gathers facts: POSIX sh (dash) with coreutils, iproute2, procps,
 * util-linux and glibc's getent, all on a minimal Debian; no Python, no root. Every probe prints
 * a tagged section (`@@dcv@@ KEY`, see sections.ts); the parsers in parse/ turn them into the
 * facts ansible-core's setup module gives, reading what its collectors read.
 *
 * `R KEY CMD...` also records CMD's exit status (section `rc:KEY`), for the collectors that look
 * at it. Reads go through `rd`, which prints nothing for a missing or unreadable file, as
 * Ansible's get_file_content returns its default then.
 */
export const PROBE_SCRIPT = String.raw`
S() { printf '\n@@dcv@@ %s\n' "$*"; }
R() { k=$1; shift; S "$k"; "$@" 2>/dev/null; r=$?; S "rc:$k"; echo "$r"; }
rd() { [ -r "$1" ] && cat "$1" 2>/dev/null; }
have() { command -v "$1" >/dev/null 2>&1; }
# The environment this user's processes start with: the shell's own, as sshd or sudo gave it,
# before the remote shell's prelude set LC_ALL and PATH.
S environ; base64 -w0 /proc/$$/environ 2>/dev/null
# Ansible's get_bin_path looks in the sbin directories too, whatever PATH says.
PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"
S uname; uname -s; uname -n; uname -r; uname -v; uname -m
S long_bit; getconf LONG_BIT 2>/dev/null
S hosts_self; a=$(getent ahosts "$(uname -n)" 2>/dev/null | awk 'NR==1{print $1}'); [ -n "$a" ] && getent hosts "$a"
S machine_id; { [ -s /var/lib/dbus/machine-id ] && rd /var/lib/dbus/machine-id; } || rd /etc/machine-id
S dist_files; for f in /etc/altlinux-release /etc/oracle-release /etc/slackware-version /etc/centos-release /etc/redhat-release /etc/openwrt_release /etc/os-release /etc/system-release /etc/alpine-release /etc/SuSE-release /etc/gentoo-release /etc/lsb-release /etc/sourcemage-release /usr/lib/os-release /etc/coreos/update.conf; do [ -s "$f" ] && echo "$f"; done; for f in /etc/vmware-release /etc/arch-release; do [ -e "$f" ] && echo "$f"; done
S os_release; rd /etc/os-release
S debian_version; rd /etc/debian_version
have lsb_release && R lsb_release lsb_release -a
S lsb_file; rd /etc/lsb-release
S cmdline; rd /proc/cmdline
t=$(date +%s.%N)
S date_local; date -d "@$t" '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z'
S date_utc; date -u -d "@$t" '+%Y-%m-%dT%H:%M:%S'
S date_zones; y=$(date -d "@$t" +%Y); date -d "$y-01-01 12:00" '+%Z|%z'; date -d "$y-07-01 12:00" '+%Z|%z'
S resolv; rd /etc/resolv.conf
S fips; rd /proc/sys/crypto/fips_enabled
S exists; for f in /sys/kernel/security/apparmor /sys/fs/selinux/enforce /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted /usr/bin/rpm /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /rhev/ /dev/kvm /sys/devices/virtual/dmi/id/product_name; do [ -e "$f" ] && echo "$f"; done
S bins; for b in systemctl initctl capsh lsblk findmnt udevadm dmidecode ethtool vgs lvs pvs; do have "$b" && echo "$b"; done
S selinux_lib; ldconfig -p 2>/dev/null | grep -q 'libselinux\.so\.1 ' && echo present
S selinux; rd /sys/fs/selinux/enforce && { echo; rd /sys/fs/selinux/policyvers; echo; grep -E '^SELINUX(TYPE)?=' /etc/selinux/config 2>/dev/null; }
have capsh && R capsh capsh --print
S chroot; echo "debian_chroot=$debian_chroot"; stat -c 'root %d %i' / 2>/dev/null; stat -c 'proc1 %d %i' /proc/1/root/. 2>/dev/null; stat -f -c 'fstype %T' / 2>/dev/null
S pkg_paths; for f in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin /opt/tools/bin/pkgin /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew /sbin/apk /usr/sbin/pkg /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg /usr/bin/xbps-install /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp /QOpenSys/pkgs/bin/yum; do [ -e "$f" ] && echo "$f"; done
[ -e /usr/bin/rpm ] && R apt_rpm /usr/bin/rpm -q --whatprovides /usr/bin/apt-get
S proc1; rd /proc/1/comm || { ps -p 1 -o comm 2>/dev/null | tail -n 1; }
S sbin_init; [ -L /sbin/init ] && readlink /sbin/init
# getpass.getuser(): the first of these variables that is set, else the password entry of the uid.
u=$LOGNAME; [ -n "$u" ] || u=$USER; [ -n "$u" ] || u=$LNAME; [ -n "$u" ] || u=$USERNAME; [ -n "$u" ] || u=$(id -un)
S user; echo "$u"; getent passwd "$u" 2>/dev/null || getent passwd "$(id -u)"
S ids; id -ru; id -u; id -rg
for d in /etc/ssh /etc/openssh /etc; do for a in dsa rsa ecdsa ed25519; do [ -r "$d/ssh_host_$a"_key.pub ] && { S "sshkey $d $a"; rd "$d/ssh_host_$a"_key.pub; }; done; done
if [ -d /etc/ansible/facts.d ]; then S local_dir; for f in /etc/ansible/facts.d/*.fact; do [ -e "$f" ] || continue; if [ $(( 0x$(stat -c %f "$f" 2>/dev/null || echo 0) & 64 )) -ne 0 ]; then e=$(mktemp); S "local_out $f"; "$f" 2>"$e"; r=$?; S "local_rc $f"; echo "$r"; S "local_err $f"; cat "$e"; rm -f "$e"; else S "local_out $f"; rd "$f"; fi; done; fi
[ -x /usr/bin/python3 ] && S python && /usr/bin/python3 -c 'import sys, json
try:
    from ssl import create_default_context, SSLContext
    ssl = True
except ImportError:
    ssl = False
print(json.dumps({"version_info": list(sys.version_info), "executable": sys.executable, "has_sslcontext": ssl, "type": sys.implementation.name}))' 2>/dev/null
S loadavg; rd /proc/loadavg
S uptime; rd /proc/uptime
S meminfo; rd /proc/meminfo
S cpuinfo; rd /proc/cpuinfo
S hypervisor_type; rd /sys/hypervisor/type
S nproc; nproc 2>/dev/null
S dmi; (cd /sys/devices/virtual/dmi/id 2>/dev/null && grep -s -H '' bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor product_family)
if [ ! -e /sys/devices/virtual/dmi/id/product_name ] && have dmidecode; then for k in bios-release-date bios-vendor bios-version baseboard-asset-tag baseboard-product-name baseboard-serial-number baseboard-manufacturer baseboard-version chassis-asset-tag chassis-serial-number chassis-manufacturer chassis-version chassis-type system-product-name system-serial-number system-uuid system-version system-manufacturer; do R "dmidecode $k" dmidecode -s "$k"; done; elif have dmidecode; then R "dmidecode system-product-name" dmidecode -s system-product-name; fi
if [ -e /etc/mtab ]; then S mtab; cat /etc/mtab 2>/dev/null; else S mtab; rd /proc/mounts; fi
have findmnt && R findmnt findmnt --list --noheadings --notruncate
have lsblk && R lsblk lsblk --list --noheadings --paths --output NAME,UUID --exclude 2
i=0; { if [ -e /etc/mtab ]; then cat /etc/mtab 2>/dev/null; else rd /proc/mounts; fi; } | awk 'NF >= 4 { print $1; print $2 }' | while IFS= read -r dev && IFS= read -r mnt; do
  case $mnt in *\\*) mnt=$(printf '%b' "$(printf '%s' "$mnt" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')") ;; esac
  case $dev in *\\*) dev=$(printf '%b' "$(printf '%s' "$dev" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')") ;; esac
  i=$((i + 1)); case $dev in /*|\\*|*:/*) ;; *) continue ;; esac
  S "statvfs $i"; stat -f -c '%S %s %b %a %f %c %d' -- "$mnt" 2>/dev/null
  have udevadm && { S "udev $i"; udevadm info --query property --name "$dev" 2>/dev/null | grep '^ID_FS_UUID='; }
done
if [ "$(id -u)" = 0 ] && have vgs; then for c in vgs lvs pvs; do have $c && { S "lvm_$c"; $c --noheadings --nosuffix --units g --separator , 2>/dev/null; }; done; fi
S v_cgroup; rd /proc/1/cgroup
S v_environ; [ -r /proc/1/environ ] && tr '\0' '\n' </proc/1/environ 2>/dev/null
S v_container; rd /run/systemd/container
S v_xencaps; rd /proc/xen/capabilities
S v_status; grep '^VxID' /proc/self/status 2>/dev/null
[ -r /proc/modules ] && { S v_modules; cut -d' ' -f1 /proc/modules; }
[ -d /rhev/ ] && { S v_vdsm; cat /proc/[0-9]*/comm 2>/dev/null | grep -qxE 'vdsmd?' && echo yes; }
S iscsi; rd /etc/iscsi/initiatorname.iscsi
S nvme; rd /etc/nvme/hostnqn
S fc_wwn; for f in /sys/class/fc_host/*/port_name; do rd "$f"; done
S route4; ip -4 route get 8.8.8.8 2>/dev/null
S route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
S net_devices; [ -d /sys/class/net ] && ls -U /sys/class/net
for d in $(ls -U /sys/class/net 2>/dev/null); do
  p=/sys/class/net/$d; [ -d "$p" ] || continue
  S "net_sys $d"; (cd "$p" && grep -s -H '' address mtu operstate type speed flags bridge/bridge_id bridge/stp_state bonding/slaves bonding/mode bonding/miimon bonding/lacp_rate bonding/primary bonding/all_slaves_active bonding_slave/perm_hwaddr)
  S "net_is $d"; for f in address mtu operstate type speed flags bridge bonding bonding_slave device; do [ -e "$p/$f" ] && echo "$f"; done
  [ -e "$p/bridge" ] && { S "net_brif $d"; ls -U "$p/brif" 2>/dev/null; }
  [ -e "$p/device/driver/module" ] && { S "net_module $d"; basename "$(readlink -f "$p/device/driver/module")"; }
  [ -e "$p/device" ] && { S "net_pciid $d"; basename "$(readlink "$p/device")"; }
  R "ip_primary $d" ip addr show primary dev "$d"
  [ "$r" = 0 ] || R "ip_all $d" ip addr show dev "$d"
  R "ip_secondary $d" ip addr show secondary dev "$d"
  if have ethtool; then R "ethtool_k $d" ethtool -k "$d"; R "ethtool_T $d" ethtool -T "$d"; fi
done
S end
`;
