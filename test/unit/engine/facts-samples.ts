/**
 * The tagged output of gather.ts's probe script as a Debian 12 host prints it, line for line in
 * the formats of iproute2 6.1 (`ip -o`), /etc/os-release of bookworm and /proc/meminfo.
 * Shared by the facts tests; not a test file itself.
 */

const OS_RELEASE_BOOKWORM = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"`;

/** A systemd-nspawn lab host: lo and host0@if5 (veth) with two IPv4 addresses; no default route. */
export const LAB_HOST_NO_ROUTE = `@hostname
db1
@fqdn
db1
@os
${OS_RELEASE_BOOKWORM}
@arch
x86_64
@kernel
6.1.0-28-amd64
@route
@links
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: host0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 52:d6:5b:9c:cc:38 brd ff:ff:ff:ff:ff:ff link-netnsid 0
@addrs
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
2: host0    inet 10.77.0.11/24 brd 10.77.0.255 scope global host0\\       valid_lft forever preferred_lft forever
2: host0    inet 10.78.0.11/24 brd 10.78.0.255 scope global host0\\       valid_lft forever preferred_lft forever
2: host0    inet6 fe80::50d6:5bff:fe9c:cc38/64 scope link \\       valid_lft forever preferred_lft forever
@mem
MemTotal:        2030592 kB
@cpus
2
@init
systemd
@user
root
`;

/** A droplet: eth0 (public + anchor IP), eth1 (VPC), default route via eth0, FQDN-style name. */
export const DROPLET_WITH_ROUTE = `@hostname
web-1.example.com
@fqdn
web-1.example.com
@os
${OS_RELEASE_BOOKWORM}
@arch
x86_64
@kernel
6.1.0-31-cloud-amd64
@route
default via 203.0.113.1 dev eth0 proto static
@links
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 0e:5b:1c:9a:40:01 brd ff:ff:ff:ff:ff:ff\\    altname enp0s3
3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 9a:2f:7e:11:22:33 brd ff:ff:ff:ff:ff:ff\\    altname enp0s4
4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 9a:2f:7e:11:22:34 brd ff:ff:ff:ff:ff:ff
@addrs
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
2: eth0    inet 203.0.113.10/20 brd 203.0.127.255 scope global eth0\\       valid_lft forever preferred_lft forever
2: eth0    inet 10.19.0.5/16 brd 10.19.255.255 scope global eth0\\       valid_lft forever preferred_lft forever
2: eth0    inet6 2001:db8::10/64 scope global \\       valid_lft forever preferred_lft forever
2: eth0    inet6 fe80::c5b:1cff:fe9a:4001/64 scope link \\       valid_lft forever preferred_lft forever
3: eth1    inet 10.110.0.2/20 brd 10.110.15.255 scope global eth1\\       valid_lft forever preferred_lft forever
3: eth1    inet6 fe80::982f:7eff:fe11:2233/64 scope link \\       valid_lft forever preferred_lft forever
@mem
MemTotal:        4025852 kB
@cpus
2
@init
systemd
@user
deploy
`;
