// CPU per unit of work, for comparing server builds or settings where throughput is too noisy on a shared machine:
// runs one workload (W1 = W1 at c=16, W2, W3, W4) against a running Tessera and prints the server's and PostgreSQL's CPU
// time (/proc, user + system) per unit over the measured phase (its warm-up included; units counted after warm-up).
//   node bench/cpu-per-unit.mjs W4 http://key:secret@127.0.0.1:5984/t/dev <server pid> <postmaster pid> [--quick]
import fs from 'node:fs';
import { w1, w2, w3, w4 } from './lib/workloads.mjs';

const [which, baseUrl, serverPid, postmasterPid] = process.argv.slice(2);
if (!['W1', 'W2', 'W3', 'W4'].includes(which) || !baseUrl || !serverPid || !postmasterPid) {
  console.error('usage: node bench/cpu-per-unit.mjs W1|W2|W3|W4 <tessera db base url> <server pid> <postmaster pid> [--quick]');
  process.exit(2);
}

const TICKS = 100; // USER_HZ on Linux
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch { return 0; } // a backend that exited
}
function postgresSeconds() {
  let total = cpuSeconds(postmasterPid);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      if (parent === String(postmasterPid)) total += cpuSeconds(entry);
    } catch { /* gone */ }
  }
  return total;
}

let used;
const ctx = {
  baseUrl, dbPrefix: `cpu${Date.now()}`, quick: process.argv.includes('--quick'), log: () => {}, created: [],
  measure: async (run) => {
    const before = [cpuSeconds(serverPid), postgresSeconds()];
    const result = await run();
    used = [cpuSeconds(serverPid) - before[0], postgresSeconds() - before[1]];
    return result;
  },
};
const r = which === 'W4' ? await w4(ctx) : which === 'W3' ? await w3(ctx) : which === 'W2' ? await w2(ctx) : await w1(ctx, 16);
const per = (seconds) => Math.round((1e6 * seconds) / r.units);
console.log(JSON.stringify({ workload: r.id, rate: r.rate, units: r.units, errors: r.errors,
  serverCpuSec: +used[0].toFixed(2), postgresCpuSec: +used[1].toFixed(2), serverUsPerUnit: per(used[0]), postgresUsPerUnit: per(used[1]) }));
