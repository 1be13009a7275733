// The workloads W1-W4 (W5, live feeds, lives in w5.mjs; W6, PouchDB replication, in w6.mjs). Each takes a
// context { baseUrl, dbPrefix, quick, measure, log } and talks plain CouchDB HTTP to `${baseUrl}/${db}`, so the
// same code runs against Tessera (http://host:port/t/dev) and pouchdb-server (http://host:port). Every workload uses fresh
// databases so earlier writes never skew later ones.
import { openPool, call, runLoad } from './loadgen.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

// Sizes per mode. Full: ~10 s measured per duration-bound run; quick: a CI smoke of ~2 s.
export const PROFILES = {
  full:  { warmupMs: 2000, durationMs: 10_000, w2Docs: 100_000, w2CapMs: 120_000, w3Docs: 10_000, w4DocsPerWorker: 64 },
  quick: { warmupMs: 500,  durationMs: 2000,   w2Docs: 10_000,  w2CapMs: 30_000,  w3Docs: 2000,   w4DocsPerWorker: 8 },
};
const MAX_REQUESTS = 2_000_000; // safety bound on any duration-bound run

// ~300 bytes of JSON, shaped like an application document.
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(5);
export function makeDoc(n, extra = {}) {
  const doc = {
    ...extra,
    type: 'bench',
    n,
    owner: `user${n % 97}`,
    created: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    tags: ['alpha', 'beta', 'gamma'],
    score: ((n * 7919) % 1000) / 10,
    active: n % 2 === 0,
    note: '',
  };
  doc.note = FILLER.slice(0, Math.max(0, 300 - JSON.stringify(doc).length));
  return doc;
}

// Small deterministic PRNG so random reads are reproducible run to run.
function xorshift(seed) {
  let x = seed | 0 || 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
}

function parse(text) { try { return JSON.parse(text); } catch { return undefined; } }
const isOk = (status) => status >= 200 && status < 300;

// Fresh database; anything but 201/202 (e.g. 412 "exists") aborts the workload.
export async function createDb(ctx, suffix) {
  const { pool, basePath } = openPool(ctx.baseUrl, 1);
  const name = `${ctx.dbPrefix}_${suffix}`;
  try {
    const r = await call(pool, 'PUT', `${basePath}/${name}`);
    if (r.status !== 201 && r.status !== 202) throw new Error(`PUT ${basePath}/${name} -> ${r.status} ${r.text.slice(0, 200)}`);
    ctx.created.push(`${basePath}/${name}`);
    return `${basePath}/${name}`;
  } finally { await pool.close(); }
}

// Checks one _bulk_docs response: every item must carry a rev and no error.
function checkBulk(status, text, expected) {
  if (!isOk(status)) return { units: 0, errors: expected, kind: String(status) };
  const items = parse(text);
  if (!Array.isArray(items) || items.length !== expected) return { units: 0, errors: expected, kind: 'bad-body' };
  let ok = 0, kind = null;
  for (const it of items) {
    if (it && typeof it.rev === 'string' && !it.error) ok++;
    else kind = `doc:${(it && it.error) || 'no-rev'}`;
  }
  return { units: ok, errors: expected - ok, kind, items };
}

// Untimed loading for W3/W4. Any failure throws: measuring reads of missing docs is pointless.
async function bulkLoad(baseUrl, dbPath, docs, concurrency = 4, batch = 1000) {
  const { pool } = openPool(baseUrl, concurrency);
  const revs = new Map();
  try {
    const batches = [];
    for (let i = 0; i < docs.length; i += batch) batches.push(docs.slice(i, i + batch));
    const r = await runLoad({
      pool, concurrency, durationMs: 300_000, maxRequests: batches.length,
      next: (_w, seq) => ({ method: 'POST', path: `${dbPath}/_bulk_docs`, headers: JSON_HEADERS,
        body: JSON.stringify({ docs: batches[seq] }), units: batches[seq].length }),
      check: (_w, _req, status, text) => {
        const out = checkBulk(status, text, _req.units);
        for (const it of out.items || []) if (it.rev) revs.set(it.id, it.rev);
        return out;
      },
    });
    if (r.errors || r.units !== docs.length) throw new Error(`bulk load into ${dbPath} failed: ${JSON.stringify(r.errorKinds)}`);
    return revs;
  } finally { await pool.close(); }
}

// W1: single-document POST {db}; server assigns the id.
export async function w1(ctx, concurrency) {
  const p = PROFILES[ctx.quick ? 'quick' : 'full'];
  const dbPath = await createDb(ctx, `w1c${concurrency}`);
  const { pool } = openPool(ctx.baseUrl, concurrency);
  try {
    const r = await ctx.measure(() => runLoad({
      pool, concurrency, warmupMs: p.warmupMs, durationMs: p.durationMs, maxRequests: MAX_REQUESTS,
      next: (w, seq) => ({ method: 'POST', path: dbPath, headers: JSON_HEADERS, body: JSON.stringify(makeDoc(seq, { worker: w })) }),
      check: (_w, _req, status, text) => {
        if (!isOk(status)) return { units: 0, errors: 1, kind: String(status) };
        const j = parse(text);
        if (!j || j.ok !== true || typeof j.id !== 'string' || typeof j.rev !== 'string') return { units: 0, errors: 1, kind: 'bad-body' };
        return { units: 1, errors: 0 };
      },
    }));
    return { id: `W1c${concurrency}`, title: `POST doc, c=${concurrency}`, unit: 'docs/s', ...r };
  } finally { await pool.close(); }
}

// W2: _bulk_docs with 1000 docs per request at c=4, count-bound (100k docs); a 2 s warm-up (quick 0.5 s)
// goes to a separate database so the measured one holds exactly the counted docs.
export async function w2(ctx) {
  const p = PROFILES[ctx.quick ? 'quick' : 'full'];
  const concurrency = 4, batch = 1000, nReq = Math.ceil(p.w2Docs / batch);
  // Bodies are built before the clock starts so JSON.stringify of 300 KB never sits in the timing.
  const bodies = Array.from({ length: nReq }, (_, i) =>
    JSON.stringify({ docs: Array.from({ length: batch }, (_, k) => makeDoc(i * batch + k)) }));
  const warmPath = await createDb(ctx, `w2warm`);
  const dbPath = await createDb(ctx, `w2`);
  const { pool } = openPool(ctx.baseUrl, concurrency);
  const spec = (path, maxRequests, durationMs) => ({
    pool, concurrency, durationMs, maxRequests,
    next: (_w, seq) => ({ method: 'POST', path: `${path}/_bulk_docs`, headers: JSON_HEADERS, body: bodies[seq % nReq], units: batch }),
    check: (_w, _req, status, text) => checkBulk(status, text, batch),
  });
  try {
    // Warm-up by time, as W1/W3/W4 do (2 s; quick 0.5 s), not by a few requests: a fresh server still compiles its
    // _bulk_docs path for its first seconds, and W2 (about 4 s on Tessera) would otherwise measure mostly that.
    const warm = await runLoad(spec(warmPath, 1000, p.warmupMs));
    const r = await ctx.measure(() => runLoad(spec(dbPath, nReq, p.w2CapMs)));
    r.errors += warm.errors;
    for (const [k, v] of Object.entries(warm.errorKinds)) r.errorKinds[k] = (r.errorKinds[k] || 0) + v;
    return { id: 'W2', title: `_bulk_docs x${batch}, c=${concurrency}`, unit: 'docs/s', ...r };
  } finally { await pool.close(); }
}

// W3: random GET {db}/{id} over a preloaded set of known ids, c=64. W3c1 (concurrency 1) measures the latency
// of one request on an otherwise idle server: what a hop (the gateway) adds, without queueing for the CPU.
export async function w3(ctx, concurrency = 64) {
  const p = PROFILES[ctx.quick ? 'quick' : 'full'];
  const dbPath = await createDb(ctx, concurrency === 64 ? 'w3' : `w3c${concurrency}`);
  const ids = Array.from({ length: p.w3Docs }, (_, i) => `r${String(i).padStart(6, '0')}`);
  await bulkLoad(ctx.baseUrl, dbPath, ids.map((id, i) => makeDoc(i, { _id: id })));
  const rngs = Array.from({ length: concurrency }, (_, w) => xorshift(0x9e3779b9 + w * 7919));
  const { pool } = openPool(ctx.baseUrl, concurrency);
  try {
    const r = await ctx.measure(() => runLoad({
      pool, concurrency, warmupMs: p.warmupMs, durationMs: p.durationMs, maxRequests: MAX_REQUESTS,
      next: (w) => {
        const id = ids[Math.floor(rngs[w]() * ids.length)];
        return { method: 'GET', path: `${dbPath}/${id}`, id };
      },
      check: (_w, req, status, text) => {
        if (status !== 200) return { units: 0, errors: 1, kind: String(status) };
        const j = parse(text);
        if (!j || j._id !== req.id || typeof j._rev !== 'string') return { units: 0, errors: 1, kind: 'bad-body' };
        return { units: 1, errors: 0 };
      },
    }));
    return { id: concurrency === 64 ? 'W3' : `W3c${concurrency}`, title: `GET random id (${ids.length} docs), c=${concurrency}`, unit: 'reads/s', ...r };
  } finally { await pool.close(); }
}

// W4: PUT {db}/{id} with the current _rev, c=16. Each worker owns its own docs (no
// cross-worker conflicts by design) and cycles through them using the rev returned by its
// previous PUT. A failed update is an error; the worker then re-reads the rev (untimed) so
// one failure does not cascade into a stream of 409s.
export async function w4(ctx) {
  const p = PROFILES[ctx.quick ? 'quick' : 'full'];
  const concurrency = 16, perWorker = p.w4DocsPerWorker;
  const dbPath = await createDb(ctx, `w4`);
  const owned = Array.from({ length: concurrency }, (_, w) =>
    Array.from({ length: perWorker }, (_, k) => `u${String(w).padStart(2, '0')}_${String(k).padStart(3, '0')}`));
  const revs = await bulkLoad(ctx.baseUrl, dbPath, owned.flat().map((id, i) => makeDoc(i, { _id: id })));
  const turn = new Array(concurrency).fill(0);
  const { pool } = openPool(ctx.baseUrl, concurrency);
  try {
    const r = await ctx.measure(() => runLoad({
      pool, concurrency, warmupMs: p.warmupMs, durationMs: p.durationMs, maxRequests: MAX_REQUESTS,
      next: (w, seq) => {
        const id = owned[w][turn[w]++ % perWorker];
        const body = JSON.stringify(makeDoc(seq, { _id: id, _rev: revs.get(id) }));
        return { method: 'PUT', path: `${dbPath}/${id}`, headers: JSON_HEADERS, body, id };
      },
      check: async (_w, req, status, text) => {
        const j = isOk(status) ? parse(text) : undefined;
        if (j && j.ok === true && typeof j.rev === 'string') { revs.set(req.id, j.rev); return { units: 1, errors: 0 }; }
        const cur = await call(pool, 'GET', `${dbPath}/${req.id}`).catch(() => null);
        if (cur && cur.json && cur.json._rev) revs.set(req.id, cur.json._rev);
        return { units: 0, errors: 1, kind: isOk(status) ? 'bad-body' : String(status) };
      },
    }));
    return { id: 'W4', title: `PUT update with rev, c=${concurrency}`, unit: 'updates/s', ...r };
  } finally { await pool.close(); }
}

export const WORKLOADS = [
  { key: 'W1', run: async (ctx) => [await w1(ctx, 16), await w1(ctx, 64)] },
  { key: 'W2', run: async (ctx) => [await w2(ctx)] },
  { key: 'W3', run: async (ctx) => [await w3(ctx)] },
  { key: 'W3C1', run: async (ctx) => [await w3(ctx, 1)] },
  // W3A, the cost of authentication on W3 (anonymous vs bearer token vs API key); Tessera only.
  { key: 'W3A', run: async (ctx) => (await import('./w3auth.mjs')).w3auth(ctx) },
  { key: 'W4', run: async (ctx) => [await w4(ctx)] },
  // W5, live change feeds (WebSocket and continuous), needs ctx.serverPid for memory; loaded only when selected.
  { key: 'W5', run: async (ctx) => (await import('./w5.mjs')).w5(ctx) },
  // Imported only when selected: loading pouchdb costs time and memory the others do not need.
  { key: 'W6', run: async (ctx) => (await import('./w6.mjs')).w6(ctx) },
  // W7, continuous server-side replication latency (the target's own _replicate).
  { key: 'W7', run: async (ctx) => (await import('./w7.mjs')).w7(ctx) },
];
