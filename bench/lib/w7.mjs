// W7: continuous server-side replication latency. The target's own replicator (POST {base}/_replicate with
// "continuous": true) follows a source database into a target database; one writer PUTs N docs into the source at a
// light, fixed rate (one request in flight), and a feed=continuous listener on the target records when each arrives.
// Latency = arrival on the target's feed minus the write's acknowledgement. Two variants:
//   W7     source and target as full URLs with credentials (the general case: any CouchDB-compatible endpoint;
//          here both point back at the same server)
//   W7loc  source and target as bare database names of the same tenant (pouchdb-server: in-process local databases)
// Goal (issue 3): p99 < 1 s. pouchdb-server runs it too (express-pouchdb's _replicate, PouchDB's replicator).
import { Pool } from 'undici';
import { makeDoc } from './workloads.mjs';
import { percentile } from './loadgen.mjs';
import { target, request, openContinuous } from './w5.mjs';

export const W7_PROFILES = {
  full:  { docs: 500, localDocs: 200, ratePerSec: 20, readyCapMs: 30_000, drainCapMs: 30_000 },
  quick: { docs: 60,  localDocs: 40,  ratePerSec: 20, readyCapMs: 30_000, drainCapMs: 15_000 },
};

const round2 = (x) => (x == null ? null : Math.round(x * 100) / 100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(done, capMs) {
  for (const end = performance.now() + capMs; !done();) {
    if (performance.now() > end) return false;
    await sleep(2);
  }
  return true;
}

async function runVariant(ctx, t, pool, variant, docs, p) {
  const errorKinds = {};
  const fail = (kind) => { errorKinds[kind] = (errorKinds[kind] || 0) + 1; };
  const names = ['src', 'tgt'].map((s) => `${ctx.dbPrefix}_w7${variant}_${s}`);
  for (const name of names) {
    const r = await request(pool, t, 'PUT', `${t.basePath}/${name}`);
    if (r.status !== 201 && r.status !== 202) throw new Error(`PUT ${t.basePath}/${name} -> ${r.status} ${r.text.slice(0, 200)}`);
    ctx.created.push(`${t.basePath}/${name}`);
  }
  const [src, tgt] = names;
  // Full URLs carry the credentials as userinfo, as CouchDB replication documents do.
  const endpoint = (db) => (variant === 'loc' ? db : new URL(`${t.basePath}/${db}`, t.url).href);
  const body = { source: endpoint(src), target: endpoint(tgt), continuous: true };

  const received = new Map(); // id -> first arrival time on the target's feed
  const since = (await request(pool, t, 'GET', `${t.basePath}/${tgt}`)).json?.update_seq ?? 0;
  const feed = await openContinuous(t, tgt, typeof since === 'string' ? since : String(since), (id, at) => { if (!received.has(id)) received.set(id, at); }, fail);
  const started = await request(pool, t, 'POST', `${t.basePath}/_replicate`, body);
  if (started.status < 200 || started.status >= 300) {
    feed.close();
    throw new Error(`POST _replicate (${variant === 'loc' ? 'database names' : 'URLs'}) -> ${started.status} ${started.text.slice(0, 300)}`);
  }
  // Readiness: a sentinel written now must reach the target (the replication is live, connections and JIT warm).
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) {
    const r = await request(pool, t, 'PUT', `${t.basePath}/${src}/w7-warm-${i}`, { warm: i });
    if (r.status !== 201 && r.status !== 202) throw new Error(`PUT sentinel -> ${r.status} ${r.text.slice(0, 200)}`);
  }
  if (!await until(() => received.has('w7-warm-4'), p.readyCapMs)) {
    feed.close();
    throw new Error(`the continuous replication delivered nothing within ${p.readyCapMs / 1000} s of _replicate`);
  }
  const readySec = round2((performance.now() - t0) / 1000);

  const acks = new Array(docs);
  const interval = 1000 / p.ratePerSec;
  const r = await ctx.measure(async () => {
    const start = performance.now();
    for (let i = 0; i < docs; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = `w7-${String(i).padStart(5, '0')}`;
      const res = await request(pool, t, 'PUT', `${t.basePath}/${src}/${id}`, makeDoc(i)).catch((e) => ({ status: e.code || 'network' }));
      if (res.status !== 201 && res.status !== 202) fail(`write:${res.status}`);
      else acks[i] = { id, at: performance.now() };
    }
    const writeMs = performance.now() - start;
    const want = acks.filter(Boolean);
    await until(() => want.every((a) => received.has(a.id)), p.drainCapMs);
    return { elapsedMs: performance.now() - start, writeMs };
  });
  feed.close();
  const cancel = await request(pool, t, 'POST', `${t.basePath}/_replicate`, { ...body, cancel: true }).catch((e) => ({ status: e.message }));

  const latencies = [];
  let early = 0, missing = 0;
  for (const ack of acks) {
    if (!ack) continue;
    const at = received.get(ack.id);
    if (at === undefined) { missing++; continue; }
    if (at < ack.at) early++;
    latencies.push(Math.max(0, at - ack.at));
  }
  if (missing) errorKinds.missing = missing;
  const sorted = Float64Array.from(latencies).sort();
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  const p99 = round2(percentile(sorted, 99));
  return {
    id: variant === 'loc' ? 'W7loc' : 'W7',
    title: `continuous _replicate (${variant === 'loc' ? 'db names' : 'URLs'}), ${docs} writes at ${p.ratePerSec}/s`,
    unit: 'docs/s',
    rate: Math.round(latencies.length / (r.writeMs / 1000)),
    p50: round2(percentile(sorted, 50)),
    p90: round2(percentile(sorted, 90)),
    p99,
    max: round2(sorted.length ? sorted[sorted.length - 1] : null),
    over1s: latencies.filter((l) => l >= 1000).length,
    early,
    requests: docs,
    deliveries: latencies.length,
    errors,
    errorKinds,
    readySec,
    cancelStatus: cancel.status,
    goal: p99 != null && errors === 0 && p99 < 1000 ? 'PASS' : 'FAIL',
    elapsedSec: round2(r.elapsedMs / 1000),
    stopReason: missing ? 'timeout' : 'complete',
    serverCores: r.serverCores, machineCores: r.machineCores, otherCores: r.otherCores,
    loadgenCores: null,
  };
}

export async function w7(ctx) {
  const p = W7_PROFILES[ctx.quick ? 'quick' : 'full'];
  const t = target(ctx.baseUrl);
  const pool = new Pool(t.origin, { connections: 4, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 60_000 });
  try {
    const out = [];
    for (const [variant, docs] of [['url', p.docs], ['loc', p.localDocs]]) {
      try {
        out.push(await runVariant(ctx, t, pool, variant, docs, p));
      } catch (e) {
        out.push({ id: variant === 'loc' ? 'W7loc' : 'W7', failed: true, error: e.message });
      }
    }
    for (const r of out.filter((x) => !x.failed)) {
      ctx.log(`${r.id}: p50=${r.p50}ms p90=${r.p90}ms p99=${r.p99}ms max=${r.max}ms over ${r.deliveries}/${r.requests} docs ` +
        `(${r.over1s} >= 1 s, ${r.early} before the ack), ready in ${r.readySec} s, cancel -> ${r.cancelStatus}, goal p99<1s: ${r.goal}`);
    }
    return out;
  } finally {
    await pool.close();
  }
}
