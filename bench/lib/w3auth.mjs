// W3A: what authentication costs a read. The W3 read (random GET {db}/{id}, c=64) run three ways against the same
// Tessera database in one invocation: anonymous on a public-read database (no credentials, nothing to validate),
// with a bearer access token (a JWT checked locally on every request), and with HTTP Basic API-key credentials.
// After a warm-up pass, passes alternate (anon, bearer, basic, anon, bearer, basic) so drift on a shared box hits all three alike; the
// added p50 is median(bearer p50) - median(anon p50). Tessera only: pouchdb-server has no tokens (returns []).
import { openPool, call, runLoad } from './loadgen.mjs';
import { Pool } from 'undici';

const PASSES = 2;

function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

export async function w3auth(ctx) {
  const u = new URL(ctx.baseUrl);
  const tenant = u.pathname.match(/\/t\/([^/]+)/)?.[1];
  if (!tenant || !u.username) {
    ctx.log('W3A skipped: needs a Tessera tenant URL with API-key credentials');
    return [];
  }
  const key = decodeURIComponent(u.username), secret = decodeURIComponent(u.password);
  const admin = openPool(ctx.baseUrl, 1);
  const name = `${ctx.dbPrefix}_w3a`;
  const dbPath = `${admin.basePath}/${name}`;
  const docs = ctx.quick ? 2000 : 10000;
  const ids = Array.from({ length: docs }, (_, i) => `r${String(i).padStart(6, '0')}`);
  let token;
  try {
    const created = await call(admin.pool, 'PUT', dbPath);
    if (created.status !== 201) throw new Error(`PUT ${dbPath} -> ${created.status}`);
    ctx.created.push(dbPath);
    for (let i = 0; i < ids.length; i += 1000) {
      const r = await call(admin.pool, 'POST', `${dbPath}/_bulk_docs`, JSON.stringify({ docs: ids.slice(i, i + 1000).map((id, k) => ({ _id: id, n: i + k, text: `value ${i + k}` })) }));
      if (r.status !== 201) throw new Error(`_bulk_docs -> ${r.status}`);
    }
    const pub = await call(admin.pool, 'PATCH', `/api/v1/tenants/${tenant}/databases/${name}`, JSON.stringify({ publicRead: true }));
    if (pub.status !== 200) throw new Error(`PATCH publicRead -> ${pub.status} ${pub.text.slice(0, 200)}`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: key, client_secret: secret }).toString();
    // Note: a fresh pool, without the Basic header the admin pool adds: OpenIddict refuses two client credentials.
    const tokens = new Pool(u.origin, { connections: 1 });
    const res = await tokens.request({ method: 'POST', path: '/connect/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const text = await res.body.text();
    await tokens.close();
    if (res.statusCode !== 200) throw new Error(`token -> ${res.statusCode} ${text.slice(0, 200)}`);
    token = JSON.parse(text).access_token;
  } finally { await admin.pool.close(); }

  const variants = {
    anon: undefined,
    bearer: `Bearer ${token}`,
    basic: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
  };
  const concurrency = 64;
  const durationMs = ctx.quick ? 3000 : 8000;
  const results = { anon: [], bearer: [], basic: [] };
  // Note: pass 0 warms the server (JIT, caches, the database's pages) for all three and is not recorded.
  for (let pass = 0; pass <= PASSES; pass++) {
    for (const [variant, authorization] of Object.entries(variants)) {
      const raw = new Pool(u.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
      const pool = { request: (opts) => raw.request({ ...opts, headers: { ...(opts.headers || {}), ...(authorization ? { authorization } : {}) } }) };
      const rngs = Array.from({ length: concurrency }, (_, w) => xorshift(0x9e3779b9 + w * 7919 + pass));
      try {
        const r = await ctx.measure(() => runLoad({
          pool, concurrency, warmupMs: 1000, durationMs, maxRequests: 5_000_000,
          next: (w) => {
            const id = ids[Math.floor(rngs[w]() * ids.length)];
            return { method: 'GET', path: `${dbPath}/${id}`, id };
          },
          check: (_w, req, status, text) => {
            if (status !== 200) return { units: 0, errors: 1, kind: String(status) };
            return text.includes(`"_id":"${req.id}"`) ? { units: 1, errors: 0 } : { units: 0, errors: 1, kind: 'bad-body' };
          },
        }));
        ctx.log(`W3A ${variant} pass ${pass}${pass === 0 ? ' (warm-up)' : ''}: ${r.rate} reads/s p50=${r.p50}ms p99=${r.p99}ms errors=${r.errors}`);
        if (pass === 0) continue;
        results[variant].push({ id: `W3A-${variant}`, title: `GET random id, ${variant}, c=${concurrency}`, unit: 'reads/s', ...r });
      } finally { await raw.close(); }
    }
  }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
  const p50 = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, median(rs.map((r) => r.p50))]));
  const out = Object.values(results).map((rs) => rs.reduce((best, r) => (r.rate > best.rate ? r : best)));
  const added = { bearer: Math.round((p50.bearer - p50.anon) * 1000) / 1000, basic: Math.round((p50.basic - p50.anon) * 1000) / 1000 };
  ctx.log(`W3A added p50 over anonymous: bearer ${added.bearer} ms, basic ${added.basic} ms (target for tokens: < 0.2 ms)`);
  for (const r of out) r.addedP50Ms = r.id === 'W3A-anon' ? 0 : added[r.id.slice(4)];
  return out;
}
