// W6: replication with real PouchDB (npm pouchdb 9, memory adapter) as the client.
//
// A local in-memory PouchDB holding N ~300-byte docs (ids assigned locally) pushes them to a
// fresh remote database; then a fresh local in-memory PouchDB pulls them back. Both directions
// use PouchDB's defaults (batch_size 100, batches_limit 10, checkpoints on both sides), the
// same for every target, and are timed separately from the first request to the resolved
// replication. Loaded lazily by workloads.mjs so the other workloads never pay for `pouchdb`.
//
// A direction only yields a throughput figure when everything arrived: the replication result
// must report N docs written and no write failure, the remote `doc_count` (push) and the local
// one (pull) must be N, and the pulled id@rev list must equal the source's. Anything else marks
// that direction as failed (never a rate). HTTP answers are tallied per endpoint in `http`;
// any non-2xx except the 404 of a first checkpoint read (`GET _local/...`) counts as an error.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { makeDoc, createDb } from './workloads.mjs';
import { openPool, call, percentile } from './loadgen.mjs';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb');
PouchDB.plugin(require('pouchdb-adapter-memory'));

export const W6_PROFILES = {
  full:  { docs: 10_000, warmDocs: 500, capMs: 300_000 },
  quick: { docs: 2000,   warmDocs: 200, capMs: 60_000 },
};
// Bounds, like every other workload: one HTTP request may take REQUEST_TIMEOUT_MS, one
// replication capMs (then it is cancelled and reported as failed).
const REQUEST_TIMEOUT_MS = 60_000;
const LOAD_BATCH = 1000; // untimed local load

// CouchDB-uuid-like ids (32 hex chars, random order), reproducible run to run.
const docId = (i) => createHash('md5').update(`w6-${i}`).digest('hex');

const round2 = (x) => Math.round(x * 100) / 100;
const describe = (e) => [e?.status, e?.name, e?.message ?? String(e)].filter((x) => x != null && x !== '').join(' ');

// Note: PouchDB in Node fetches with node-fetch 2 and no agent, so every request carries `Connection: close` and opens
// a new TCP connection (a browser's fetch would reuse one). That is PouchDB's default and what W6 measures.
// BENCH_W6_KEEPALIVE=1 (diagnostics only, not comparable with the recorded figures) hands it a keep-alive agent instead,
// to tell what the connection per request costs each target.
const KEEPALIVE_AGENT = process.env.BENCH_W6_KEEPALIVE === '1' ? new Agent({ keepAlive: true, maxSockets: 16 }) : undefined;

// Remote handle whose fetch records every request: endpoint, status, time to the last byte.
// The body is read here and handed to PouchDB as a new Response over the same bytes, so the
// only cost is one extra object per request, identical for every target.
function instrumentedRemote(url, stats) {
  const prefix = new URL(url).pathname.replace(/\/+$/, '');
  const endpoint = (method, u) => {
    const path = new URL(u).pathname;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return `${method} ${path}`; // e.g. the server root
    const seg = path.slice(prefix.length).split('/').filter(Boolean)[0];
    return `${method} ${seg === undefined ? '{db}' : seg.startsWith('_') ? seg : '{doc}'}`;
  };
  const fetch = async (u, opts = {}) => {
    const key = endpoint(opts.method || 'GET', u);
    const t0 = performance.now();
    let res, buf;
    try {
      const o = opts.signal ? opts : { ...opts, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
      res = await PouchDB.fetch(u, KEEPALIVE_AGENT ? { ...o, agent: KEEPALIVE_AGENT } : o);
      buf = await res.buffer();
    } catch (e) {
      stats.record(key, `network:${e.code || e.name}`, performance.now() - t0);
      throw e;
    }
    stats.record(key, res.status, performance.now() - t0, buf.length, res.headers);
    return new res.constructor(buf, { status: res.status, statusText: res.statusText, headers: res.headers, url: res.url });
  };
  return new PouchDB(url, { fetch });
}

function httpStats() {
  const by = new Map();
  let errors = 0;
  const errorKinds = {};
  return {
    record(key, status, ms, bytes = 0, headers = null) {
      let e = by.get(key);
      if (!e) by.set(key, (e = { count: 0, statuses: {}, ms: [], bytes: 0, headers: null }));
      e.count++;
      e.bytes += bytes;
      // What the client must undo or store per answer: compression (inflated by node-fetch), cookies (tough-cookie).
      if (headers && !e.headers) {
        e.headers = {};
        for (const h of ['content-encoding', 'transfer-encoding', 'content-length', 'connection', 'set-cookie']) {
          if (headers.has(h)) e.headers[h] = headers.get(h);
        }
      }
      e.statuses[status] = (e.statuses[status] || 0) + 1;
      e.ms.push(ms);
      const ok = typeof status === 'number' && status >= 200 && status < 300;
      const expected404 = status === 404 && key === 'GET _local'; // first checkpoint read
      if (!ok && !expected404) { errors++; errorKinds[`${key} ${status}`] = (errorKinds[`${key} ${status}`] || 0) + 1; }
    },
    get errors() { return errors; },
    errorKinds,
    requests() { let n = 0; for (const e of by.values()) n += e.count; return n; },
    summary() {
      const out = {};
      for (const [k, e] of [...by].sort()) {
        const s = Float64Array.from(e.ms).sort();
        out[k] = { count: e.count, statuses: e.statuses, bodyBytes: e.bytes, headers: e.headers ?? undefined, totalMs: Math.round(s.reduce((a, b) => a + b, 0)),
          p50: round2(percentile(s, 50)), p99: round2(percentile(s, 99)), max: round2(s[s.length - 1]) };
      }
      return out;
    },
  };
}

// BENCH_W6_CPU_PROF=DIR: a V8 CPU profile of the load generator's main thread per timed direction, written to
// DIR/<db prefix>-<port>-<push|pull>.cpuprofile (open in Chrome DevTools). Off by default: sampling costs the client CPU,
// and the inspector session keeps the event loop looking busy, so loadgenLoopBusySec means nothing while it runs.
const PROFILE_DIR = process.env.BENCH_W6_CPU_PROF;

async function startProfile() {
  if (!PROFILE_DIR) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return session;
}

async function stopProfile(session, name) {
  if (!session) return undefined;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(`${PROFILE_DIR}/${name}.cpuprofile`, JSON.stringify(profile));
  // Self time by category, from the samples: what the client's one JS thread spent its time on.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const f = byId.get(profile.samples[i]).callFrame;
    const key = f.url ? `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/bench\//, '')}:${f.lineNumber}` : f.functionName;
    selfMs.set(key, (selfMs.get(key) || 0) + (profile.timeDeltas[i] || 0) / 1000);
  }
  const top = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => [k, Math.round(v)]);
  return { file: `${name}.cpuprofile`, idleMs: Math.round(selfMs.get('(idle)') || 0), gcMs: Math.round(selfMs.get('(garbage collector)') || 0), top };
}

// Runs one replication, timed; returns the raw figures (verification is the caller's).
async function replicate(kind, local, remote, capMs, profileName) {
  const perSecond = [];
  const session = await startProfile();
  const mono0 = process.hrtime.bigint(); // CLOCK_MONOTONIC: lines up with `perf record -k mono` samples of the server
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // Event-loop utilization: the time the client's one JS thread was busy (not waiting for I/O). cpuUsage also counts
  // GC helper threads and the libuv pool (zlib inflate of compressed answers), which do not hold the replication up.
  const elu0 = performance.eventLoopUtilization();
  let last = 0;
  const rep = kind === 'push' ? local.replicate.to(remote) : local.replicate.from(remote);
  rep.on('change', (info) => {
    const sec = Math.floor((performance.now() - t0) / 1000);
    perSecond[sec] = (perSecond[sec] || 0) + (info.docs_written - last);
    last = info.docs_written;
  });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; rep.cancel(); }, capMs);
  let result;
  try { result = await rep; } finally { clearTimeout(timer); }
  const ms = performance.now() - t0;
  if (timedOut) throw new Error(`cancelled after ${capMs / 1000} s (docs_written=${result?.docs_written})`);
  const cpu = process.cpuUsage(c0);
  const elu = performance.eventLoopUtilization(elu0);
  const profile = await stopProfile(session, `${profileName}-${kind}`);
  return { result, ms, perSecond: Array.from(perSecond, (x) => x || 0), loadgenCores: round2((cpu.user + cpu.system) / 1000 / ms),
    loadgenCpuSec: round2((cpu.user + cpu.system) / 1e6), loadgenLoopBusySec: round2(elu.active / 1000), profile,
    monotonicSec: [Number(mono0) / 1e9, Number(process.hrtime.bigint()) / 1e9] };
}

async function remoteDocCount(ctx, dbPath) {
  const { pool } = openPool(ctx.baseUrl, 1);
  try {
    const r = await call(pool, 'GET', dbPath);
    if (r.status !== 200 || !r.json) throw new Error(`GET ${dbPath} -> ${r.status} ${r.text.slice(0, 200)}`);
    return r.json.doc_count;
  } finally { await pool.close(); }
}

const revList = async (db) => (await db.allDocs()).rows.map((r) => `${r.id}@${r.value.rev}`);

let seq = 0;
const localName = (ctx, what) => `${ctx.dbPrefix}-w6-${what}-${process.pid}-${seq++}`;

async function fillLocal(ctx, what, n) {
  const db = new PouchDB(localName(ctx, what), { adapter: 'memory' });
  for (let i = 0; i < n; i += LOAD_BATCH) {
    const docs = [];
    for (let k = i; k < Math.min(n, i + LOAD_BATCH); k++) docs.push(makeDoc(k, { _id: docId(k) }));
    const res = await db.bulkDocs(docs);
    const bad = res.filter((r) => !r.ok);
    if (bad.length) throw new Error(`local load failed: ${JSON.stringify(bad.slice(0, 3))}`);
  }
  return db;
}

// Push then pull `n` docs through `suffix` (a fresh remote db). Returns
// { push, pull, pushStats, pullStats, source, target } with per-direction verification errors.
async function roundTrip(ctx, suffix, n, capMs, measure) {
  const dbPath = await createDb(ctx, suffix);
  const remote = new URL(ctx.baseUrl); // keeps credentials (key:secret@), which PouchDB sends as HTTP Basic
  remote.pathname = dbPath;
  const url = remote.href;
  const source = await fillLocal(ctx, `${suffix}-src`, n);
  const target = new PouchDB(localName(ctx, `${suffix}-dst`), { adapter: 'memory' });
  await target.info(); // opened before the clock starts
  const out = { pushStats: httpStats(), pullStats: httpStats(), source, target };
  try {
    // push: local -> fresh remote
    try {
      out.push = await measure(() => replicate('push', source, instrumentedRemote(url, out.pushStats), capMs, `${dbPath.split('/').pop()}-${remote.port}`));
      const r = out.push.result, remoteCount = await remoteDocCount(ctx, dbPath);
      out.push.remoteDocCount = remoteCount;
      if (r.status !== 'complete' || r.docs_written !== n || r.doc_write_failures !== 0 || remoteCount !== n) {
        out.push.verifyError = `push incomplete: status=${r.status}, docs_written=${r.docs_written}, doc_write_failures=${r.doc_write_failures}, remote doc_count=${remoteCount}, expected ${n}`;
      }
    } catch (e) {
      out.push = { verifyError: `push replication failed: ${describe(e)}` };
    }
    if (out.push.verifyError) {
      out.pull = { verifyError: 'not run: push did not complete' };
      return out;
    }
    // pull: remote -> fresh local
    try {
      out.pull = await measure(() => replicate('pull', target, instrumentedRemote(url, out.pullStats), capMs, `${dbPath.split('/').pop()}-${remote.port}`));
      const r = out.pull.result, localCount = (await target.info()).doc_count;
      out.pull.localDocCount = localCount;
      if (r.status !== 'complete' || r.docs_written !== n || r.doc_write_failures !== 0 || localCount !== n) {
        out.pull.verifyError = `pull incomplete: status=${r.status}, docs_written=${r.docs_written}, doc_write_failures=${r.doc_write_failures}, local doc_count=${localCount}, expected ${n}`;
      } else {
        const [a, b] = await Promise.all([revList(source), revList(target)]);
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) out.pull.verifyError = 'pulled ids/revs differ from the source';
      }
    } catch (e) {
      out.pull = { verifyError: `pull replication failed: ${describe(e)}` };
    }
    return out;
  } finally {
    await Promise.all([source.destroy(), target.destroy()]).catch(() => {});
  }
}

export async function w6(ctx) {
  const p = { ...W6_PROFILES[ctx.quick ? 'quick' : 'full'] };
  // BENCH_W6_WARM_DOCS=N: a longer untimed round trip first (diagnostics: how much of a run is a server still warming up).
  if (process.env.BENCH_W6_WARM_DOCS) p.warmDocs = Number(process.env.BENCH_W6_WARM_DOCS);
  // Figures taken with a diagnostic on are not comparable with recorded runs; the JSON says which was on.
  const diagnostics = ['BENCH_W6_KEEPALIVE', 'BENCH_W6_CPU_PROF', 'BENCH_W6_WARM_DOCS']
    .filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  // Warm-up (both JITs, connection setup): a short round trip through another db, untimed.
  const noMeasure = (fn) => fn();
  const warm = await roundTrip(ctx, 'w6warm', p.warmDocs, p.capMs, noMeasure);
  if (warm.push.verifyError || warm.pull.verifyError) ctx.log(`W6 warm-up: ${warm.push.verifyError || warm.pull.verifyError}`);
  const run = await roundTrip(ctx, 'w6', p.docs, p.capMs, ctx.measure);

  const shape = (dir, r, stats, warmStats, warmError) => {
    const id = `W6${dir}`;
    const title = dir === 'push'
      ? `PouchDB push ${p.docs.toLocaleString('en-US')} docs, memory -> fresh remote db`
      : `PouchDB pull ${p.docs.toLocaleString('en-US')} docs, remote -> fresh memory db`;
    const http = stats.summary();
    if (r.verifyError) {
      return { id, title, failed: true, error: r.verifyError, http, errorKinds: stats.errorKinds };
    }
    const errorKinds = { ...stats.errorKinds };
    for (const [k, v] of Object.entries(warmStats.errorKinds)) errorKinds[`warm-up ${k}`] = v;
    let errors = stats.errors + warmStats.errors;
    if (warmError) { errors++; errorKinds[`warm-up: ${warmError}`] = 1; }
    const secs = r.ms / 1000;
    return {
      id, title, unit: 'docs/s',
      units: r.result.docs_written,
      elapsedSec: round2(secs),
      rate: Math.round(r.result.docs_written / secs),
      requests: stats.requests(),
      p50: null, p99: null, // one replication, no per-request figure; see http
      errors, warmupErrors: warmStats.errors, errorKinds,
      stopReason: r.result.status,
      docsRead: r.result.docs_read,
      docWriteFailures: r.result.doc_write_failures,
      remoteDocCount: r.remoteDocCount, localDocCount: r.localDocCount,
      perSecond: r.perSecond,
      loadgenCores: r.loadgenCores, loadgenCpuSec: r.loadgenCpuSec, loadgenLoopBusySec: r.loadgenLoopBusySec,
      monotonicSec: r.monotonicSec,
      ...(r.profile ? { clientProfile: r.profile } : {}),
      ...(diagnostics.length ? { diagnostics } : {}),
      serverCores: r.serverCores, serverProcessCores: r.serverProcessCores, machineCores: r.machineCores, otherCores: r.otherCores,
      http,
    };
  };
  const out = [shape('push', run.push, run.pushStats, warm.pushStats, warm.push.verifyError),
    shape('pull', run.pull, run.pullStats, warm.pullStats, warm.pull.verifyError)];
  for (const r of out) {
    const top = Object.entries(r.http).sort((x, y) => y[1].totalMs - x[1].totalMs).slice(0, 4)
      .map(([k, e]) => `${k} x${e.count} ${e.totalMs}ms p50=${e.p50} p99=${e.p99}`).join('; ');
    ctx.log(`${r.id} http: ${top}`);
    if (!r.failed) ctx.log(`${r.id} client: ${r.elapsedSec} s wall, ${r.loadgenCpuSec} CPU-s, JS thread busy ${r.loadgenLoopBusySec} s`);
  }
  return out;
}
