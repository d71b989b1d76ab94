// Benchmark workload "site" (the module-library issue's): gather facts; 1 directory; 5 copies;
// 5 templates looping over all hosts; 3 lineinfile; a user; a command with creates; an apt
// package present; a service started. The same tasks as playbook.yml, for ansible-playbook.
import { play, site } from "do-converge";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "site",
      hosts: "all",
      become: true,
      tasks: async (h) => {
        await h.file({ path: "/srv/bench", state: "directory", mode: "0755" });
        for (const i of [1, 2, 3, 4, 5]) await h.copy({ src: `f${i}.txt`, dest: `/srv/bench/f${i}.txt`, mode: "0644" });
        for (const i of [1, 2, 3, 4, 5]) await h.template({ src: `t${i}.conf.j2`, dest: `/srv/bench/t${i}.conf`, mode: "0644" });
        await h.lineinfile({ path: "/srv/bench/app.ini", line: "[app]", insertbefore: "BOF", create: true });
        await h.lineinfile({ path: "/srv/bench/app.ini", regexp: "^port=", line: "port=8080" });
        await h.lineinfile({ path: "/srv/bench/app.ini", regexp: "^host=", line: `host=${h.facts.hostname}` });
        await h.user({ name: "benchuser", shell: "/bin/bash" });
        await h.command({ argv: ["touch", "/srv/bench/.initialized"], creates: "/srv/bench/.initialized" });
        await h.apt({ name: "tree", state: "present" });
        await h.systemd({ name: "ssh", state: "started" });
      },
    }),
  ],
});
