// Benchmark workload "files10": 1 directory, 4 copies, 5 templates looping over all hosts.
// The same tasks as playbook.yml, for ansible-playbook.
import { play, site } from "do-converge";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "files10",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.file({ path: "/srv/bench", state: "directory", mode: "0755" });
        for (const i of [1, 2, 3, 4]) await h.copy({ src: `f${i}.txt`, dest: `/srv/bench/f${i}.txt`, mode: "0644" });
        for (const i of [1, 2, 3, 4, 5]) await h.template({ src: `t${i}.conf.j2`, dest: `/srv/bench/t${i}.conf`, mode: "0644" });
      },
    }),
  ],
});
