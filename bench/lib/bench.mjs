#!/usr/bin/env node
// Runs the workloads against ONE target and writes its results as JSON. run.sh calls this
// once per target, in its own process, while only that target's server is up.
//
//   node lib/bench.mjs --name pouchdb-server --url http://127.0.0.1:5984 --out results/x.json
//       [--quick] [--only W1,W3] [--server-pids 123,456] [--run-id abc] [--drop-dbs] [--wait-quiet SECONDS]
import { parseArgs } from 'node:util';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { WORKLOADS } from './workloads.mjs';
import { openPool, call } from './loadgen.mjs';
import { sampleTree, coresUsed, machineBusyCores, machineTicks, busyCores } from './cpu.mjs';

const { values: a } = parseArgs({
  options: {
    name: { type: 'string' },
    url: { type: 'string' },
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'W1,W2,W3,W4,W5,W6,W7' },
    'server-pids': { type: 'string', default: '' },
    'run-id': { type: 'string', default: Date.now().toString(36) },
    'drop-dbs': { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
  },
});
if (!a.name || !a.url || !a.out) {
  console.error('usage: bench.mjs --name NAME --url DB_BASE_URL --out FILE [--quick] [--only W1,W2,W3,W4,W5,W6,W7]');
  process.exit(2);
}

const baseUrl = a.url.replace(/\/+$/, '');
const serverPids = a['server-pids'].split(',').filter(Boolean).map(Number);
const only = new Set(a.only.split(',').map((s) => s.trim().toUpperCase()));
// CouchDB database names: lowercase letter first, then [a-z0-9_$()+/-].
const dbPrefix = `bench_${a['run-id'].toLowerCase().replace(/[^a-z0-9]/g, '')}`;
const log = (msg) => console.error(`[bench ${a.name}] ${msg}`);

// Wraps a measured run with server-side CPU accounting.
// otherCores = machine-wide busy CPU minus server and load generator: work by anything else
// during the measurement, which skews the figure (should be ~0).
async function measure(fn) {
  const before = sampleTree(serverPids), m0 = machineTicks(), c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const after = sampleTree(serverPids);
  r.serverCores = coresUsed(before, after, wall);
  // The server process alone (Tessera's dotnet, pouchdb-server's node); serverCores minus this is its PostgreSQL.
  if (serverPids.length > 1 && after.has(serverPids[0])) {
    r.serverProcessCores = coresUsed(new Map([[serverPids[0], before.get(serverPids[0]) ?? 0]]), new Map([[serverPids[0], after.get(serverPids[0])]]), wall);
  }
  r.machineCores = busyCores(m0, machineTicks(), wall);
  if (r.serverCores != null && r.machineCores != null) {
    r.otherCores = Math.max(0, Math.round((r.machineCores - r.serverCores - (c.user + c.system) / 1000 / wall) * 100) / 100);
  }
  return r;
}

// Other work on the box (a build, a test run) skews every figure; record it so a noisy run is visible.
// --wait-quiet N: on a shared box, wait up to N s for other work to calm down first.
let busyCoresAtStart = await machineBusyCores(1000);
for (const until = Date.now() + Number(a['wait-quiet']) * 1000; busyCoresAtStart > 0.3 && Date.now() < until;) {
  busyCoresAtStart = await machineBusyCores(2000);
}
if (busyCoresAtStart > 0.3) log(`warning: ${busyCoresAtStart} cores already busy before the run; figures may be skewed`);
const results = [];
const created = []; // database paths, for --drop-dbs
let failed = false;
// Before each workload, let the target settle: the previous workload's aftermath (PostgreSQL's autovacuum of 100,000 new
// rows after W2, LevelDB compaction, a GC, run.sh's warm-up pass) would otherwise run inside the next one's window. Both
// targets get the same rule: wait until the server's process tree uses under 0.1 cores for a second, at most 60 s
// (quick: 10 s).
async function settle() {
  if (serverPids.length === 0) return null;
  const started = performance.now(), limitMs = a.quick ? 10_000 : 60_000;
  for (;;) {
    const before = sampleTree(serverPids), t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cores = coresUsed(before, sampleTree(serverPids), performance.now() - t0);
    if (cores == null || cores < 0.1 || performance.now() - started > limitMs) {
      return { settleSec: Math.round((performance.now() - started) / 100) / 10, serverCoresAtStart: cores };
    }
  }
}

for (const wl of WORKLOADS) {
  if (!only.has(wl.key)) continue;
  const settled = await settle();
  log(`${wl.key} ...${settled ? ` (settled ${settled.settleSec} s, server at ${settled.serverCoresAtStart} cores)` : ''}`);
  try {
    for (const r of await wl.run({ baseUrl, dbPrefix, quick: a.quick, measure, log, created, serverPid: serverPids[0] })) {
      if (settled) Object.assign(r, settled);
      results.push(r);
      if (r.failed) { failed = true; log(`${r.id} FAILED: ${r.error}`); continue; } // e.g. W6: fewer docs arrived
      const errs = r.errors ? `  ERRORS=${r.errors} ${JSON.stringify(r.errorKinds)}` : '';
      log(`${r.id}: ${r.rate} ${r.unit}${r.p50 != null ? `  p50=${r.p50}ms p99=${r.p99}ms` : ''}  (${r.requests} req in ${r.elapsedSec}s, stop=${r.stopReason}, server ${r.serverCores} cores, loadgen ${r.loadgenCores}, other ${r.otherCores ?? '?'})${errs}`);
    }
  } catch (e) {
    // A workload that cannot run (e.g. PUT db fails) is recorded as failed, not skipped silently.
    failed = true;
    log(`${wl.key} FAILED: ${e.message}`);
    results.push({ id: wl.key, failed: true, error: e.message });
  }
}

if (a['drop-dbs']) {
  // For long-lived targets (--tessera-url/--baseline-url) and run.sh's warm-up pass; the rest live in a temp dir.
  const { pool } = openPool(baseUrl, 1);
  for (const path of created) {
    const r = await call(pool, 'DELETE', path).catch((e) => ({ status: e.code }));
    if (r.status !== 200 && r.status !== 202) log(`DELETE ${path} -> ${r.status}`);
  }
  await pool.close();
}

mkdirSync(dirname(a.out), { recursive: true });
writeFileSync(a.out, JSON.stringify({ target: a.name, url: baseUrl, quick: a.quick, dbPrefix, busyCoresAtStart, finishedAt: new Date().toISOString(), results }, null, 2));
process.exit(failed ? 1 : 0);
