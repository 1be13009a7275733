// CPU used by the server under test (a process tree: Tessera + its PostgreSQL backends, or
// pouchdb-server), read from /proc. On a 2-core box the server and the load generator
// compete for the same cores, so the report shows how many cores each side actually used.
import { readFileSync, readdirSync } from 'node:fs';

const USER_HZ = 100; // clock ticks per second in /proc/*/stat on Linux

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid ... utime(14) stime(15); comm may contain spaces.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // process exited between readdir and read
  }
}

// Map pid -> cpu ticks for the given roots and all their descendants.
export function sampleTree(rootPids) {
  const out = new Map();
  if (!rootPids.length || process.platform !== 'linux') return out;
  const stats = new Map();
  for (const d of readdirSync('/proc')) {
    if (/^\d+$/.test(d)) { const st = readStat(d); if (st) stats.set(Number(d), st); }
  }
  const children = new Map();
  for (const [pid, st] of stats) {
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(pid);
  }
  const queue = rootPids.filter((p) => stats.has(p));
  while (queue.length) {
    const pid = queue.pop();
    if (out.has(pid)) continue;
    out.set(pid, stats.get(pid).ticks);
    queue.push(...(children.get(pid) || []));
  }
  return out;
}

// Cores used between two samples over wallMs (processes born in between count from zero).
export function coresUsed(before, after, wallMs) {
  if (!after.size) return null;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return Math.round((ticks / USER_HZ / (wallMs / 1000)) * 100) / 100;
}

// Machine-wide busy and total ticks from /proc/stat (all cores summed).
export function machineTicks() {
  if (process.platform !== 'linux') return null;
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((x, y) => x + y, 0); // guest time is already inside user
  return { busy: total - f[3] - (f[4] || 0), total };
}

// Cores busy machine-wide between two machineTicks() samples taken wallMs apart.
export function busyCores(before, after, wallMs) {
  if (!before || !after) return null;
  return Math.round(((after.busy - before.busy) / USER_HZ / (wallMs / 1000)) * 100) / 100;
}

// Cores busy machine-wide over `ms`, from /proc/stat. Sampled before a target's run while its
// server idles: anything well above 0 means other work (a build, tests) is skewing the figures.
export async function machineBusyCores(ms = 1000) {
  const a = machineTicks();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return busyCores(a, machineTicks(), performance.now() - t0);
}
