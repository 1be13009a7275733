#!/usr/bin/env node
// W1M: W1 over many databases, against one or more Tessera silos of one Orleans cluster (run.sh --silos N).
//
//   node lib/silos.mjs --name two-silos --urls http://k:s@127.0.0.1:A/t/dev,http://k:s@127.0.0.1:B/t/dev --out FILE
//       [--grains-files a.json,b.json] [--server-pids 1,2,3] [--dbs 64] [--concurrency 64] [--quick] [--run-id X]
//       [--wait-quiet SECONDS] [--steady [--jit-quiet-ms 10] [--warmup-min-seconds 90] [--warmup-max-seconds 180]]
//
// Creates --dbs fresh databases (database i through silo i mod S, so no silo creates them all), then POSTs one ~300-byte
// doc per request at --concurrency: worker w writes to database w mod dbs.
// --routing affinity (default): every request for database i goes to silo i mod S, as the gateway's DatabaseAffinity
// load balancing sends each database to one data node (there by rendezvous hashing); grains are placed on their first
// caller's silo, so writes meet their grain locally. --routing spread: worker w sends its k-th request to silo (w + k) mod S
// (a load balancer without affinity), so about (S-1)/S of the writes are forwarded silo to silo.
// So every silo's HTTP port serves every database and, with S silos, about (S-1)/S of the writes reach the database's
// grain through another silo (the call is forwarded silo to silo): what a load balancer without affinity does.
//
// --grains-files: one per silo, written by bench/grain-counter (a startup hook in each silo: Orleans' "orleans-grains"
// instrument by grain type). The result records, per silo, how many database grains were activated between just
// before the databases were created and the end of the load, i.e. where Orleans placed this run's databases. The same
// files carry each silo's JIT, GC and CPU totals: --steady warms up until every silo's JIT is quiet (see below), and
// the result records what each runtime did during the measured window (`runtime`).
import { parseArgs } from 'node:util';
import { writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROFILES, makeDoc } from './workloads.mjs';
import { openPool, call, runLoad } from './loadgen.mjs';
import { sampleTree, coresUsed, machineBusyCores, machineTicks, busyCores } from './cpu.mjs';

const { values: a } = parseArgs({
  options: {
    name: { type: 'string' },
    urls: { type: 'string' },
    out: { type: 'string' },
    'grains-files': { type: 'string', default: '' },
    'server-pids': { type: 'string', default: '' },
    dbs: { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '64' },
    quick: { type: 'boolean', default: false },
    'run-id': { type: 'string', default: Date.now().toString(36) },
    'wait-quiet': { type: 'string', default: '0' },
    routing: { type: 'string', default: 'affinity' },
    // Steady state: before the measured window, load the same databases in chunks until every silo's JIT is quiet.
    steady: { type: 'boolean', default: false },
    'jit-quiet-ms': { type: 'string', default: '10' },
    'warmup-min-seconds': { type: 'string', default: '90' },
    'warmup-max-seconds': { type: 'string', default: '180' },
  },
});
if (!a.name || !a.urls || !a.out) {
  console.error('usage: silos.mjs --name NAME --urls DB_BASE_URL[,DB_BASE_URL...] --out FILE [--grains-files F1,F2] [--dbs 64] [--concurrency 64]');
  process.exit(2);
}

const urls = a.urls.split(',').map((u) => u.replace(/\/+$/, ''));
const grainsFiles = a['grains-files'].split(',').filter(Boolean);
const serverPids = a['server-pids'].split(',').filter(Boolean).map(Number);
const nDbs = Number(a.dbs), concurrency = Number(a.concurrency);
if (!['affinity', 'spread'].includes(a.routing)) { console.error('--routing affinity|spread'); process.exit(2); }
const affinity = a.routing === 'affinity';
const p = PROFILES[a.quick ? 'quick' : 'full'];
const dbPrefix = `bench_${a['run-id'].toLowerCase().replace(/[^a-z0-9]/g, '')}`;
const log = (msg) => console.error(`[silos ${a.name}] ${msg}`);
const DATABASE_GRAIN_TYPE = 'database'; // Orleans' grain type name of Tessera.Grains.DatabaseGrain

// The latest counts a silo's startup hook wrote; waits for a file written after `after` (ms since the epoch), so a
// snapshot taken at the end of the load includes every activation the load caused.
async function grainCounts(file, after) {
  for (const until = Date.now() + 5000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (!existsSync(file)) continue;
    try {
      const j = JSON.parse(readFileSync(file, 'utf8'));
      if (j.at > after) return j;
    } catch { /* being replaced; read again */ }
  }
  return null;
}
const snapshot = async (after) => Promise.all(grainsFiles.map((f) => grainCounts(f, after)));

let busyCoresAtStart = await machineBusyCores(1000);
for (const until = Date.now() + Number(a['wait-quiet']) * 1000; busyCoresAtStart > 0.3 && Date.now() < until;) {
  busyCoresAtStart = await machineBusyCores(2000);
}
if (busyCoresAtStart > 0.3) log(`warning: ${busyCoresAtStart} cores already busy before the run; figures may be skewed`);

const before = await snapshot(Date.now());
const opened = urls.map((u) => openPool(u, concurrency));
const basePath = opened[0].basePath;
// Requests carry the silo they go to as the identity of their headers object: runLoad passes req.headers through.
const headersOf = urls.map(() => ({ 'content-type': 'application/json' }));
const pool = {
  request: (opts) => opened[Math.max(0, headersOf.indexOf(opts.headers))].pool.request(opts),
  close: () => Promise.all(opened.map((o) => o.pool.close())),
};

let result;
try {
  const dbs = [];
  for (let i = 0; i < nDbs; i++) {
    const path = `${basePath}/${dbPrefix}_m${String(i).padStart(3, '0')}`;
    const r = await call(opened[i % urls.length].pool, 'PUT', path);
    if (r.status !== 201 && r.status !== 202) throw new Error(`PUT ${path} through silo ${i % urls.length + 1} -> ${r.status} ${r.text.slice(0, 200)}`);
    dbs.push(path);
  }

  const turn = new Array(concurrency).fill(0);
  const load = (warmupMs, durationMs) => runLoad({
    pool, concurrency, warmupMs, durationMs, maxRequests: 2_000_000,
    next: (w, seq) => ({
      method: 'POST', path: dbs[w % nDbs], headers: headersOf[affinity ? (w % nDbs) % urls.length : (w + turn[w]++) % urls.length],
      body: JSON.stringify(makeDoc(seq, { worker: w })),
    }),
    check: (_w, _req, status, text) => {
      if (status < 200 || status >= 300) return { units: 0, errors: 1, kind: String(status) };
      let j;
      try { j = JSON.parse(text); } catch { j = undefined; }
      if (!j || j.ok !== true || typeof j.id !== 'string' || typeof j.rev !== 'string') return { units: 0, errors: 1, kind: 'bad-body' };
      return { units: 1, errors: 0 };
    },
  });

  // Warm-up. Without --steady: the profile's fixed warm-up (2 s) inside the measured run. With --steady: the same load
  // on the same databases in chunks, for at least --warmup-min-seconds and until in two chunks in a row every silo's JIT
  // spent less than --jit-quiet-ms per second compiling (JitInfo, written by the grain counter), so no side is measured
  // while tiered compilation still competes with the requests for the two cores. Every side gets the same rule.
  // Note: the minimum matters. The request path goes quiet within ~30 s, but code that runs about once a second
  // (membership probes, load statistics to and from the other silo) reaches the tier-up thresholds (30 calls, then 30
  // more instrumented ones) about a minute after the cluster changed; measured with JIT quiet alone, the two-silo
  // window met that wave (100-180 ms of JIT per second and silo, 200-570 methods) and the one-silo windows did not.
  const warmup = [];
  let steadyAfter = null;
  if (a.steady && grainsFiles.length) {
    const chunkMs = a.quick ? 500 : 2000, maxMs = a.quick ? 2000 : Number(a['warmup-max-seconds']) * 1000;
    const minMs = a.quick ? 0 : Number(a['warmup-min-seconds']) * 1000;
    const quietMs = Number(a['jit-quiet-ms']);
    const w0 = performance.now();
    let quietChunks = 0, prev = await snapshot(Date.now());
    while (performance.now() - w0 < maxMs) {
      const c = await load(0, chunkMs);
      if (c.errors) throw new Error(`warm-up: ${c.errors} errors ${JSON.stringify(c.errorKinds)}`);
      const now = await snapshot(Date.now());
      const jitMsPerSec = now.map((e, i) => (e?.jit && prev[i]?.jit ? Math.round(((e.jit.ms - prev[i].jit.ms) / ((e.at - prev[i].at) / 1000)) * 10) / 10 : null));
      const jitMethods = now.map((e, i) => (e?.jit && prev[i]?.jit ? e.jit.methods - prev[i].jit.methods : null));
      warmup.push({ rate: c.rate, jitMsPerSec, jitMethods });
      prev = now;
      quietChunks = jitMsPerSec.every((x) => x != null && x < quietMs) ? quietChunks + 1 : 0;
      if (quietChunks >= 2 && performance.now() - w0 >= minMs) { steadyAfter = Math.round(performance.now() - w0) / 1000; break; }
    }
    log(`warm-up ${Math.round(performance.now() - w0) / 1000} s: ${steadyAfter == null ? 'JIT NOT QUIET at the limit' : 'JIT quiet'}; `
      + `per chunk docs/s ${warmup.map((x) => x.rate).join(' ')}; JIT ms/s per silo ${warmup.map((x) => x.jitMsPerSec.join('/')).join(' ')}`);
  }

  const j0 = await snapshot(Date.now());
  const t0 = sampleTree(serverPids), m0 = machineTicks(), c0 = process.cpuUsage(), start = performance.now();
  const r = await load(a.steady ? 1000 : p.warmupMs, p.durationMs);
  const wall = performance.now() - start, c = process.cpuUsage(c0);
  // What each silo's runtime did during the measured run (warm-up second included): JIT, GC and its own CPU.
  const j1 = await snapshot(Date.now());
  const runtime = j1.map((e, i) => {
    const b = j0[i];
    if (!e?.jit || !b?.jit) return null;
    const secs = (e.at - b.at) / 1000, per = (x) => Math.round((x / secs) * 10) / 10;
    return {
      silo: i + 1, seconds: secs, jitMethods: e.jit.methods - b.jit.methods, jitMsPerSec: per(e.jit.ms - b.jit.ms),
      gen0PerSec: per(e.gc.gen0 - b.gc.gen0), gen1PerSec: per(e.gc.gen1 - b.gc.gen1), gen2: e.gc.gen2 - b.gc.gen2,
      gcPauseMsPerSec: per(e.gc.pauseMs - b.gc.pauseMs), allocatedMBPerSec: per((e.gc.allocatedBytes - b.gc.allocatedBytes) / 1e6),
      cores: Math.round((e.cpuMs - b.cpuMs) / (e.at - b.at) * 100) / 100, threadPoolThreads: e.threads,
    };
  });
  // firstQuietSec: when the JIT first went quiet (two quiet chunks), which the minimum may have outlasted.
  const firstQuiet = warmup.findIndex((x, i) => i > 0 && [x, warmup[i - 1]].every((c) => c.jitMsPerSec.every((v) => v != null && v < Number(a['jit-quiet-ms']))));
  r.warmup = a.steady ? { chunks: warmup, steadyAfterSec: steadyAfter, firstQuietChunk: firstQuiet < 0 ? null : firstQuiet + 1,
    jitQuietMsPerSec: Number(a['jit-quiet-ms']), minSeconds: a.quick ? 0 : Number(a['warmup-min-seconds']) } : null;
  r.runtime = grainsFiles.length ? runtime : null;
  // Does the rate still climb inside the window? Mean of its second half / mean of its first half.
  const ps = r.perSecond, half = Math.floor(ps.length / 2);
  const mean = (xs) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
  r.trend = half ? Math.round((mean(ps.slice(ps.length - half)) / Math.max(1, mean(ps.slice(0, half)))) * 1000) / 1000 : null;
  r.serverCores = coresUsed(t0, sampleTree(serverPids), wall);
  r.machineCores = busyCores(m0, machineTicks(), wall);
  if (r.serverCores != null && r.machineCores != null) {
    r.otherCores = Math.max(0, Math.round((r.machineCores - r.serverCores - (c.user + c.system) / 1000 / wall) * 100) / 100);
  }

  const after = await snapshot(Date.now());
  const silos = urls.map((u, i) => {
    const b = before[i], e = after[i];
    const activated = (x) => (x?.activated?.[DATABASE_GRAIN_TYPE] ?? 0);
    return {
      silo: i + 1,
      url: u.replace(/\/\/[^@/]*@/, '//'),
      pid: e?.pid ?? null,
      // Database grains this run activated on the silo (its databases' placement), and all alive there now.
      databaseGrains: e ? activated(e) - activated(b) : null,
      databaseGrainsAlive: e?.current?.[DATABASE_GRAIN_TYPE] ?? null,
      grainsAlive: e?.current ?? null,
    };
  });
  // Placement probe (untimed, S > 1): N more databases, every one created through silo 1 only. Where their grains go shows
  // whether Orleans' placement (resource-optimized by default since Orleans 9.2, which prefers the calling silo while
  // the silos' load scores are within a margin) spreads them by itself, or follows the silo the first call reached.
  let probe = null;
  if (urls.length > 1 && grainsFiles.length) {
    const p0 = await snapshot(Date.now());
    for (let i = 0; i < nDbs; i++) {
      const path = `${basePath}/${dbPrefix}_p${String(i).padStart(3, '0')}`;
      const pr = await call(opened[0].pool, 'PUT', path);
      if (pr.status !== 201 && pr.status !== 202) throw new Error(`PUT ${path} -> ${pr.status} ${pr.text.slice(0, 200)}`);
    }
    const p1 = await snapshot(Date.now());
    probe = p1.map((e, i) => (e && p0[i] ? (e.activated?.[DATABASE_GRAIN_TYPE] ?? 0) - (p0[i].activated?.[DATABASE_GRAIN_TYPE] ?? 0) : null));
    log(`placement probe: ${nDbs} databases created through silo 1 only -> database grains per silo: ${probe.join('/')}`);
  }
  result = {
    placementProbe: probe,
    id: 'W1M', title: `POST doc, c=${concurrency}, ${nDbs} dbs, ${urls.length} silo${urls.length > 1 ? 's' : ''}, routing ${a.routing}`, unit: 'docs/s', routing: a.routing,
    silos: urls.length, databases: nDbs, ...r, activations: grainsFiles.length ? silos : null,
  };
  const errs = r.errors ? `  ERRORS=${r.errors} ${JSON.stringify(r.errorKinds)}` : '';
  const spread = grainsFiles.length ? `  database grains per silo: ${silos.map((s) => s.databaseGrains ?? '?').join('/')}` : '';
  const rt = r.runtime ? `  JIT ms/s per silo ${r.runtime.map((x) => x?.jitMsPerSec ?? '?').join('/')}, silo cores ${r.runtime.map((x) => x?.cores ?? '?').join('/')}` : '';
  log(`W1M: ${r.rate} docs/s  p50=${r.p50}ms p99=${r.p99}ms  (${r.requests} req in ${r.elapsedSec}s, server ${r.serverCores} cores, loadgen ${r.loadgenCores}, other ${r.otherCores ?? '?'}, trend ${r.trend})${rt}${spread}${errs}`);
  log(`per second: ${r.perSecond.join(' ')}`);
} catch (e) {
  log(`W1M FAILED: ${e.message}`);
  result = { id: 'W1M', failed: true, error: e.message, silos: urls.length };
} finally {
  await pool.close();
}

mkdirSync(dirname(a.out), { recursive: true });
writeFileSync(a.out, JSON.stringify({ target: a.name, urls: urls.map((u) => u.replace(/\/\/[^@/]*@/, '//')), quick: a.quick, dbPrefix,
  busyCoresAtStart, finishedAt: new Date().toISOString(), results: [result] }, null, 2));
process.exit(result.failed || result.errors ? 1 : 0);
