// W5: live change feeds. S subscribers spread evenly over D databases, each following one database
// from `since=now`; one writer then writes N documents (round-robin over the databases, one request
// in flight, ~300-byte W1 bodies). Figures:
//   - latency from each write's acknowledgement (its HTTP answer read by the writer) to each
//     subscriber's receipt of that row, p50/p99 over all S*N/D deliveries (a row that arrives before
//     the writer has read its ack counts as 0 ms; `early` says how many did);
//   - where the tail comes from, per write: its first delivery (firstP50/P99), the spread from its first to
//     its last delivery (spreadP50/P99), and how many writes hold the deliveries slower than p99
//     (slowWrites: few means whole-server stalls, e.g. the CPU taken by others; many means a slow fan-out);
//   - server memory per idle subscription: VmRSS of the server process (/proc/PID/status) after
//     the S subscriptions are open and idle, minus VmRSS just before they were opened, divided by S
//     (memPerSubKb); and the same over the second half of the openings only (memPerSubMarginalKb),
//     which leaves out one-time growth such as a garbage-collected heap expanding on first use.
// Protocols: `feed=websocket` (only where the server upgrades; probed, so pouchdb-server skips it)
// and `feed=continuous` (CouchDB's newline-delimited feed; the baseline's protocol).
//
// Readiness (identical for every protocol): after all subscriptions are open, one sentinel doc is
// written to each database and the run waits until every subscriber received its database's
// sentinel. Only then is memory sampled and the timed writes begin.
// Every run is bounded: opening, readiness and delivery each give up after capMs (then the missing
// deliveries are counted as errors, never as latency).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { makeDoc } from './workloads.mjs';
import { basicAuthorization, percentile } from './loadgen.mjs';

export const W5_PROFILES = {
  full:  { dbs: 100, subscribers: 1000, docs: 1000, settleMs: 3000, capMs: 120_000 },
  quick: { dbs: 20,  subscribers: 200,  docs: 200,  settleMs: 1000, capMs: 60_000 },
};
const OPEN_CONCURRENCY = 50; // subscriptions being opened at once
const HEARTBEAT_MS = 10_000; // continuous feeds: keeps them open (CouchDB ends an idle feed after its timeout)

const round2 = (x) => (x == null ? null : Math.round(x * 100) / 100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The database base URL may carry credentials (http://key:secret@host/t/dev): they become a Basic header.
// Also used by w7.mjs: a target's origin, database base path and Basic credentials from a URL with user info.
export function target(baseUrl) {
  const u = new URL(baseUrl);
  const auth = basicAuthorization(u);
  return { url: u, origin: u.origin, basePath: u.pathname.replace(/\/+$/, ''), headers: auth ? { authorization: auth } : {} };
}

function rssKb(pid) {
  if (!pid) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]);
  } catch { return null; }
}

export async function request(pool, t, method, path, body) {
  const headers = { ...t.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await pool.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.statusCode, text, json };
}

async function createDbs(ctx, t, pool, tag, count) {
  const names = Array.from({ length: count }, (_, i) => `${ctx.dbPrefix}_w5${tag}_${i}`);
  for (let i = 0; i < names.length; i += 8) {
    await Promise.all(names.slice(i, i + 8).map(async (name) => {
      const r = await request(pool, t, 'PUT', `${t.basePath}/${name}`);
      if (r.status !== 201 && r.status !== 202) throw new Error(`PUT ${t.basePath}/${name} -> ${r.status} ${r.text.slice(0, 200)}`);
      ctx.created.push(`${t.basePath}/${name}`);
    }));
  }
  return names;
}

// One subscriber: calls onRow(id, receivedAt) for every change row of its database after `since`.
function openWebSocket(t, db, since, onRow, onError) {
  return new Promise((resolve, reject) => {
    const url = `${t.origin.replace(/^http/, 'ws')}${t.basePath}/${db}/_changes?feed=websocket&since=${encodeURIComponent(since)}`;
    const ws = new WebSocket(url, ['tessera.v1'], { headers: t.headers, perMessageDeflate: false });
    let live = false;
    ws.on('message', (data) => {
      const at = performance.now();
      const m = JSON.parse(data.toString());
      if (!m.type) onRow(m.id, at);
      else if (m.type === 'checkpoint' && !live) { live = true; resolve({ close: () => ws.terminate() }); }
      else if (m.type === 'error' || m.type === 'overflow') onError(`ws:${m.type}:${m.error ?? ''}`);
    });
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.on('error', (e) => (live ? onError(`ws:${e.code || e.message}`) : reject(e)));
    ws.on('close', () => { if (live && !ws.closedByUs) onError('ws:closed'); });
    const terminate = ws.terminate.bind(ws);
    ws.terminate = () => { ws.closedByUs = true; terminate(); };
  });
}

// Note: resolves once the request is sent, not on the response: pouchdb-server sends a continuous feed's headers only
// with its first row or heartbeat. The sentinel rows (below) tell when every feed is live.
export function openContinuous(t, db, since, onRow, onError) {
  return new Promise((resolve, reject) => {
    const u = new URL(`${t.origin}${t.basePath}/${db}/_changes?feed=continuous&since=${encodeURIComponent(since)}&heartbeat=${HEARTBEAT_MS}`);
    let closedByUs = false, sent = false;
    const req = http.request(u, { agent: false, headers: t.headers }, (res) => {
      if (res.statusCode !== 200) { res.resume(); onError(`continuous:HTTP ${res.statusCode}`); return; }
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk) => {
        const at = performance.now();
        pending += chunk;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue; // heartbeat
          const m = JSON.parse(line);
          if (m.id) onRow(m.id, at);
        }
      });
      res.on('end', () => { if (!closedByUs) onError('continuous:ended'); });
      res.on('error', (e) => { if (!closedByUs) onError(`continuous:${e.code || e.message}`); });
    });
    req.on('error', (e) => {
      if (closedByUs) return;
      if (sent) onError(`continuous:${e.code || e.message}`); else reject(e);
    });
    req.end(() => { sent = true; resolve({ close: () => { closedByUs = true; req.destroy(); } }); });
  });
}

async function supportsWebSocket(t, pool, ctx) {
  const [db] = await createDbs(ctx, t, pool, 'probe', 1);
  try {
    const sub = await openWebSocket(t, db, 'now', () => {}, () => {});
    sub.close();
    return true;
  } catch { return false; }
}

// Waits until `done()` or capMs; returns whether it got there.
async function until(done, capMs) {
  for (const end = performance.now() + capMs; !done();) {
    if (performance.now() > end) return false;
    await sleep(5);
  }
  return true;
}

async function runProtocol(ctx, t, pool, protocol, p) {
  const open = protocol === 'ws' ? openWebSocket : openContinuous;
  const errorKinds = {};
  const fail = (kind) => { errorKinds[kind] = (errorKinds[kind] || 0) + 1; };
  const dbs = await createDbs(ctx, t, pool, protocol, p.dbs);
  const perDb = Math.floor(p.subscribers / p.dbs);

  // Warm-up (untimed): a doc in every database.
  for (let i = 0; i < dbs.length; i += 8) {
    await Promise.all(dbs.slice(i, i + 8).map((db) => request(pool, t, 'PUT', `${t.basePath}/${db}/warm`, { warm: true })));
  }
  // Every subscription starts from its database's sequence read here (not since=now, which a server may resolve
  // after the sentinel below was written): the sentinel is always after it.
  const since = new Map();
  for (let i = 0; i < dbs.length; i += 8) {
    await Promise.all(dbs.slice(i, i + 8).map(async (db) => {
      const r = await request(pool, t, 'GET', `${t.basePath}/${db}`);
      if (r.status !== 200) throw new Error(`GET ${db} -> ${r.status} ${r.text.slice(0, 200)}`);
      since.set(db, JSON.parse(r.text).update_seq);
    }));
  }
  // Warm-up subscriptions, opened in the same batches as the measured ones, fed one row each and closed: the
  // server's pools (threads, database connections) and JIT are warm before its memory baseline is sampled.
  const warmSeen = new Set();
  const warmSpecs = Array.from({ length: Math.min(2 * OPEN_CONCURRENCY, perDb * dbs.length) }, (_, k) => ({ db: dbs[k % dbs.length], k }));
  const warm = [];
  for (let i = 0; i < warmSpecs.length; i += OPEN_CONCURRENCY) {
    warm.push(...await Promise.all(warmSpecs.slice(i, i + OPEN_CONCURRENCY).map(({ db, k }) => open(t, db, since.get(db), () => warmSeen.add(k), () => {}))));
  }
  const warmDbs = [...new Set(warmSpecs.map((w) => w.db))];
  for (let i = 0; i < warmDbs.length; i += 8) {
    await Promise.all(warmDbs.slice(i, i + 8).map((db) => request(pool, t, 'PUT', `${t.basePath}/${db}/warm2`, { warm: true })));
  }
  if (!await until(() => warmSeen.size >= warm.length, 10_000)) ctx.log(`W5${protocol}: warm-up subscriptions saw ${warmSeen.size}/${warm.length} rows`);
  warm.forEach((s) => s.close());
  for (let i = 0; i < dbs.length; i += 8) {
    await Promise.all(dbs.slice(i, i + 8).map(async (db) => {
      const r = await request(pool, t, 'GET', `${t.basePath}/${db}`);
      since.set(db, JSON.parse(r.text).update_seq);
    }));
  }
  await sleep(p.settleMs);

  // Idle subscriptions, and what they cost the server.
  const rssBefore = rssKb(ctx.serverPid);
  const received = new Map(); // doc id -> receipt times
  const ready = new Set();
  const subs = [];
  const specs = Array.from({ length: perDb * dbs.length }, (_, k) => ({ db: dbs[k % dbs.length], k }));
  const t0 = performance.now();
  const half = Math.floor(specs.length / OPEN_CONCURRENCY / 2) * OPEN_CONCURRENCY;
  let rssHalf = null, halfCount = 0;
  for (let i = 0; i < specs.length; i += OPEN_CONCURRENCY) {
    if (i === half && i > 0) {
      // The marginal cost (second half only) leaves out one-time growth (pools, heap) that the first openings cause.
      await sleep(p.settleMs);
      rssHalf = rssKb(ctx.serverPid);
      halfCount = subs.length;
    }
    const opened = await Promise.allSettled(specs.slice(i, i + OPEN_CONCURRENCY).map(({ db, k }) => open(t, db, since.get(db), (id, at) => {
      if (id === 'ready') { ready.add(k); return; }
      let times = received.get(id);
      if (!times) received.set(id, (times = []));
      times.push(at);
    }, fail)));
    for (const o of opened) {
      if (o.status === 'fulfilled') subs.push(o.value);
      else fail(`open:${o.reason.status ?? o.reason.code ?? o.reason.message}`);
    }
    if (performance.now() - t0 > p.capMs) throw new Error(`opening ${specs.length} subscriptions took longer than ${p.capMs / 1000} s`);
  }
  const openSec = round2((performance.now() - t0) / 1000);
  for (let i = 0; i < dbs.length; i += 8) {
    await Promise.all(dbs.slice(i, i + 8).map((db) => request(pool, t, 'PUT', `${t.basePath}/${db}/ready`, { ready: true })));
  }
  if (!await until(() => ready.size >= subs.length, p.capMs)) fail('not-ready');
  await sleep(p.settleMs);
  const rssIdle = rssKb(ctx.serverPid);
  const memPerSubKb = rssBefore && rssIdle && subs.length ? round2((rssIdle - rssBefore) / subs.length) : null;
  const memPerSubMarginalKb = rssHalf && rssIdle && subs.length > halfCount ? round2((rssIdle - rssHalf) / (subs.length - halfCount)) : null;
  ctx.log(`W5${protocol}: ${subs.length} subscriptions open in ${openSec} s; server RSS ${Math.round(rssBefore / 1024)} -> ` +
    `${Math.round(rssHalf / 1024)} (${halfCount} open) -> ${Math.round(rssIdle / 1024)} MB idle: ${memPerSubKb} KB per subscription ` +
    `(${memPerSubMarginalKb} KB each for the second half)`);

  // The timed part: one writer, one request in flight.
  const acks = new Array(p.docs);
  const expected = p.docs * perDb;
  const r = await ctx.measure(async () => {
    const start = performance.now();
    for (let i = 0; i < p.docs; i++) {
      const db = dbs[i % dbs.length];
      const id = `w5-${String(i).padStart(5, '0')}`;
      const res = await request(pool, t, 'PUT', `${t.basePath}/${db}/${id}`, makeDoc(i));
      if (res.status !== 201 && res.status !== 202) fail(`write:${res.status}`);
      else acks[i] = { id, at: performance.now() };
    }
    const writesDone = performance.now();
    const count = () => { let n = 0; for (const v of received.values()) n += v.length; return n; };
    await until(() => count() >= expected, p.capMs);
    return { elapsedMs: performance.now() - start, writeMs: writesDone - start, deliveries: count() };
  });

  const latencies = [];
  const firsts = [], spreads = [], worst = []; // per write: first delivery, last minus first, slowest delivery
  let early = 0;
  for (const ack of acks) {
    if (!ack) continue;
    const times = received.get(ack.id) || [];
    for (const at of times) {
      if (at < ack.at) early++;
      latencies.push(Math.max(0, at - ack.at));
    }
    if (times.length) {
      const lo = Math.min(...times), hi = Math.max(...times);
      firsts.push(Math.max(0, lo - ack.at));
      spreads.push(hi - lo);
      worst.push(Math.max(0, hi - ack.at));
    }
  }
  const missing = expected - latencies.length;
  if (missing > 0) errorKinds.missing = missing;
  subs.forEach((s) => s.close());
  const sorted = Float64Array.from(latencies).sort();
  const pct = (xs, q) => round2(percentile(Float64Array.from(xs).sort(), q));
  // Where the tail comes from: a stall of the whole server (GC, CPU taken by others) delays every subscriber of the writes
  // it hits, so few writes hold all the slow deliveries; a slow fan-out instead shows as a large spread within each write.
  const p99 = percentile(sorted, 99);
  const slowWrites = worst.filter((w) => w > p99).length;
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    id: `W5${protocol === 'ws' ? 'ws' : 'cont'}`,
    title: `${subs.length} ${protocol === 'ws' ? 'WebSocket' : 'feed=continuous'} subscribers / ${dbs.length} dbs, ${p.docs} writes`,
    unit: 'deliveries/s',
    rate: Math.round(latencies.length / (r.elapsedMs / 1000)),
    p50: round2(percentile(sorted, 50)),
    p99: round2(percentile(sorted, 99)),
    max: round2(sorted.length ? sorted[sorted.length - 1] : null),
    firstP50: pct(firsts, 50),
    firstP99: pct(firsts, 99),
    spreadP50: pct(spreads, 50),
    spreadP99: pct(spreads, 99),
    slowWrites,
    early,
    requests: p.docs,
    deliveries: latencies.length,
    expected,
    errors,
    errorKinds,
    subscribers: subs.length,
    dbs: dbs.length,
    writesPerSec: Math.round(p.docs / (r.writeMs / 1000)),
    elapsedSec: round2(r.elapsedMs / 1000),
    openSec,
    rssBeforeKb: rssBefore,
    rssHalfKb: rssHalf,
    rssIdleKb: rssIdle,
    memPerSubKb,
    memPerSubMarginalKb,
    stopReason: missing > 0 ? 'timeout' : 'complete',
    serverCores: r.serverCores, machineCores: r.machineCores, otherCores: r.otherCores,
    loadgenCores: null,
  };
}

export async function w5(ctx) {
  const p = W5_PROFILES[ctx.quick ? 'quick' : 'full'];
  const t = target(ctx.baseUrl);
  const pool = new Pool(t.origin, { connections: 8, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 60_000 });
  try {
    const out = [];
    if (await supportsWebSocket(t, pool, ctx)) out.push(await runProtocol(ctx, t, pool, 'ws', p));
    else ctx.log('W5: no feed=websocket on this target; continuous feed only');
    // Let the server settle after the sockets closed before the next protocol's memory baseline.
    await sleep(p.settleMs);
    out.push(await runProtocol(ctx, t, pool, 'continuous', p));
    for (const r of out) {
      ctx.log(`${r.id}: p50=${r.p50}ms p99=${r.p99}ms max=${r.max}ms over ${r.deliveries}/${r.expected} deliveries (${r.early} before the ack), ` +
        `per write: first p50/p99 ${r.firstP50}/${r.firstP99}ms, spread p50/p99 ${r.spreadP50}/${r.spreadP99}ms, ${r.slowWrites} writes hold the deliveries over p99, ` +
        `${r.memPerSubKb} KB/idle subscription (marginal ${r.memPerSubMarginalKb}), writes ${r.writesPerSec}/s, server ${r.serverCores} cores, other ${r.otherCores ?? '?'}`);
    }
    return out;
  } finally {
    await pool.close();
  }
}
