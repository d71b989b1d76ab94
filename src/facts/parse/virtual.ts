import type { AnsibleFacts } from "../schema.js";
import type { Sections } from "../sections.js";
import { dmiFiles } from "./hardware.js";

type Virtual = Pick<AnsibleFacts, "virtualization_type" | "virtualization_role" | "virtualization_tech_guest" | "virtualization_tech_host">;

/**
 * virtual/linux.py, in its order: the first technology found names the type and role; every one
 * found joins the guest or host set. Ansible returns the sets in Python's hash order, so the
 * lists here are sorted.
 */
export function virtualFacts(s: Sections, exists: ReadonlySet<string>): Virtual {
  const guest = new Set<string>();
  const host = new Set<string>();
  let type: string | undefined;
  let role: string | undefined;
  let found = false;
  const setGuest = (tech: string, t = tech, r: string | undefined = "guest") => {
    guest.add(tech);
    if (!found) {
      type = t;
      if (r !== undefined) role = r;
      found = true;
    }
  };

  for (const line of s.lines("/proc/1/cgroup")) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) setGuest("docker");
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) setGuest("lxc");
    if (/\/system\.slice\/containerd\.service/.test(line)) setGuest("containerd");
  }
  for (const line of (s.content("/proc/1/environ") ?? "").split("\0")) {
    if (/container=lxc/.test(line)) setGuest("lxc");
    if (/container=podman/.test(line)) setGuest("podman");
    if (/^container=./.test(line)) setGuest("container");
  }
  if (exists.has("/proc/vz") && !exists.has("/proc/lve")) {
    type = "openvz";
    if (exists.has("/proc/bc")) {
      host.add("openvz");
      if (!found) role = "host";
    } else {
      guest.add("openvz");
      if (!found) role = "guest";
    }
    found = true;
  }
  const systemdContainer = s.content("/run/systemd/container");
  if (systemdContainer) setGuest(systemdContainer);
  if (exists.has("/.dockerenv") || exists.has("/.dockerinit")) setGuest("docker");
  if (["docker", "lxc", "podman", "openvz", "containerd"].some((t) => guest.has(t)) || systemdContainer) guest.add("container");
  if (exists.has("/proc/xen")) {
    if ((s.raw("/proc/xen/capabilities") ?? "").includes("control_d")) {
      host.add("xen");
      if (!found) [type, role] = ["xen", "host"];
    } else if (!found) [type, role] = ["xen", "guest"];
    found = true;
  }
  if (!found) role = "guest";

  const dmi = dmiFiles(s);
  const productName = dmi.get("product_name");
  const sysVendor = dmi.get("sys_vendor");
  const biosVendor = dmi.get("bios_vendor");
  const dmiGuest = (tech: string) => {
    guest.add(tech);
    if (!found) [type, found] = [tech, true];
  };
  if (["KVM", "KVM Server", "Bochs", "AHV"].includes(productName ?? "")) dmiGuest("kvm");
  if (sysVendor === "oVirt") dmiGuest("oVirt");
  if (sysVendor === "Red Hat") {
    if (dmi.get("product_family") === "RHV") dmiGuest("RHV");
    else if (productName === "RHEV Hypervisor") dmiGuest("RHEV");
  }
  if (["VMware Virtual Platform", "VMware7,1"].includes(productName ?? "")) dmiGuest("VMware");
  if (["OpenStack Compute", "OpenStack Nova"].includes(productName ?? "")) dmiGuest("openstack");
  if (biosVendor === "Xen") dmiGuest("xen");
  if (biosVendor === "innotek GmbH") dmiGuest("virtualbox");
  if (["Amazon EC2", "DigitalOcean", "Hetzner"].includes(biosVendor ?? "")) dmiGuest("kvm");
  if (["QEMU", "Amazon EC2", "DigitalOcean", "Google", "Scaleway", "Nutanix"].includes(sysVendor ?? "")) dmiGuest("kvm");
  if (sysVendor === "KubeVirt") dmiGuest("KubeVirt");
  if (sysVendor === "Microsoft Corporation") dmiGuest("VirtualPC");
  if (sysVendor === "Parallels Software International Inc.") dmiGuest("parallels");
  if (sysVendor === "OpenStack Foundation") dmiGuest("openstack");
  if (!found) role = undefined;

  // VxID is in every process's status on a Linux-VServer kernel; this one is the reader's.
  for (const line of s.lines("/proc/self/status")) {
    if (!/^VxID:\s+\d+/.test(line)) continue;
    if (!found) type = "linux_vserver";
    if (/^VxID:\s+0/.test(line)) {
      host.add("linux_vserver");
      if (!found) role = "host";
    } else {
      guest.add("linux_vserver");
      if (!found) role = "guest";
    }
    found = true;
  }
  for (const line of s.lines("/proc/cpuinfo")) {
    let tech: string | undefined;
    if (/^model name.*QEMU Virtual CPU/.test(line)) tech = "kvm";
    else if (/^vendor_id.*User Mode Linux/.test(line) || /^model name.*UML/.test(line)) tech = "uml";
    else if (/^machine.*CHRP IBM pSeries .emulated by qemu./.test(line)) tech = "kvm";
    else if (/^vendor_id.*PowerVM Lx86/.test(line)) tech = "powervm_lx86";
    else if (/^vendor_id.*IBM\/S390/.test(line)) tech = "PR/SM";
    if (tech === undefined) continue;
    guest.add(tech);
    if (!found) {
      type = tech;
      role = tech === "PR/SM" ? "LPAR" : "guest";
      found = true;
    }
  }
  const modules = new Set(s.lines("/proc/modules").map((l) => l.split(" ")[0] ?? ""));
  if (s.has("/proc/modules")) {
    if (modules.has("kvm")) {
      host.add("kvm");
      if (!found) [type, role] = ["kvm", "host"];
      if (exists.has("/rhev/") && s.content("v_vdsm") === "yes") {
        host.add("RHEV");
        if (!found) type = "RHEV";
      }
      found = true;
    }
    if (modules.has("vboxdrv")) {
      host.add("virtualbox");
      if (!found) [type, role, found] = ["virtualbox", "host", true];
    }
    if (modules.has("virtio")) {
      host.add("kvm");
      if (!found) [type, role, found] = ["kvm", "guest", true];
    }
  }
  if (s.rc("dmidecode system-product-name") === 0) {
    const out = s.raw("dmidecode system-product-name") ?? "";
    const vendor = out.split("\n").filter((l) => !l.startsWith("#")).map((l) => l.trim()).join("");
    if (vendor.startsWith("VMware")) setGuest("VMware");
    if (out.includes("BHYVE")) setGuest("bhyve");
  }
  if (exists.has("/dev/kvm")) {
    host.add("kvm");
    if (!found) [type, role, found] = ["kvm", "host", true];
  }
  if (!found) [type, role] = ["NA", "NA"];
  return {
    ...(type !== undefined && { virtualization_type: type }),
    ...(role !== undefined && { virtualization_role: role }),
    virtualization_tech_guest: [...guest].sort(),
    virtualization_tech_host: [...host].sort(),
  };
}
