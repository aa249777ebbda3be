// CPU time of a whole browser (its own process and every descendant: renderers, GPU, utility,
// the extension's), from /proc. Less noisy than wall time when other machines share the cores.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function processes() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      found.push({ pid: Number(name), ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Milliseconds of CPU used so far by the browser started with this user-data directory. */
export function browserCpuMs(userDataDir) {
  const all = processes();
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type='));
  if (!root) return null;
  const inTree = new Set([root.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!inTree.has(p.pid) && inTree.has(p.ppid)) grew = inTree.add(p.pid) !== null;
  }
  return all.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.cpuTicks, 0) * TICK_MS;
}
