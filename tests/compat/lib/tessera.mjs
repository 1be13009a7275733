// Shared helpers for the compat suite: the server URL, PouchDB with the memory adapter,
// fresh uniquely named databases, and a small JSON-over-HTTP client for direct API calls.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Note: pouchdb and its adapters are CommonJS; require keeps the plugin registration simple.
export const PouchDB = require('pouchdb');
PouchDB.plugin(require('pouchdb-adapter-memory'));

/** Base URL of the running server, e.g. http://127.0.0.1:5984 (set by run.sh). */
export const serverUrl = (process.env.TESSERA_URL ?? '').replace(/\/+$/, '');
if (!serverUrl) {
  throw new Error('TESSERA_URL is not set; run the suite with tests/compat/run.sh');
}

/** The tenant the server was started with (Tessera__Bootstrap__Tenant, set by run.sh). */
export const tenant = process.env.TESSERA_TENANT ?? 'dev';

/** The tenant's admin API key fixed at start (Tessera__Bootstrap__ApiKey/ApiSecret, set by run.sh). */
export const apiKey = process.env.TESSERA_API_KEY ?? '';
export const apiSecret = process.env.TESSERA_API_SECRET ?? '';

/** `url` with the admin key as userinfo, the way PouchDB and CouchDB replication URLs carry credentials. */
export function withCredentials(url) {
  const u = new URL(url);
  u.username = encodeURIComponent(apiKey);
  u.password = encodeURIComponent(apiSecret);
  return u.toString().replace(/\/$/, '');
}

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** URL prefix for databases of the tenant: `${tenantUrl}/${db}`. */
export const tenantUrl = `${serverUrl}/t/${tenant}`;

/** A CouchDB-valid database name that no other test uses. */
export function uniqueName(prefix) {
  return `compat-${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A new, empty local PouchDB in memory. */
export function localDb(prefix = 'local') {
  return new PouchDB(uniqueName(prefix), { adapter: 'memory' });
}

/**
 * Creates an empty remote database (PUT /t/dev/{name}) and returns its URL (with the API key as
 * userinfo, so PouchDB authenticates with HTTP Basic), name and a PouchDB handle (http adapter) on it.
 */
export async function remoteDb(prefix = 'remote') {
  const name = uniqueName(prefix);
  const url = withCredentials(`${tenantUrl}/${encodeURIComponent(name)}`);
  const res = await http('PUT', url);
  if (res.status !== 201 && res.status !== 202) {
    throw new Error(`PUT ${url} -> ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { name, url, pouch: new PouchDB(url) };
}

/**
 * One HTTP request with an optional JSON body. Returns { status, headers, body } where body
 * is parsed JSON when the response says so, else a Buffer. Authenticates with the userinfo of
 * `url` when it has one, else with the admin key, unless `headers.authorization` is given
 * (pass `null` to send no credentials).
 */
export async function http(method, url, body, headers = {}) {
  const target = new URL(url);
  let authorization = apiKey ? basic(apiKey, apiSecret) : undefined;
  if (target.username) {
    authorization = basic(decodeURIComponent(target.username), decodeURIComponent(target.password));
    target.username = '';
    target.password = '';
    url = target.toString();
  }
  const init = { method, headers: { accept: 'application/json', authorization, ...headers } };
  if (init.headers.authorization == null) {
    delete init.headers.authorization;
  }
  if (body !== undefined) {
    if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['content-type'] ??= 'application/json';
    }
  }
  const res = await fetch(url, init);
  const type = res.headers.get('content-type') ?? '';
  const raw = Buffer.from(await res.arrayBuffer());
  let parsed = raw;
  if (type.includes('json')) {
    parsed = raw.length ? JSON.parse(raw.toString('utf8')) : null;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** GET url as JSON, failing on non-2xx. */
export async function getJson(url) {
  const res = await http('GET', url);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`GET ${url} -> ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Writes docs through POST {db}/_bulk_docs and fails unless every row is ok. */
export async function bulkDocs(dbUrl, docs, extra = {}) {
  const res = await http('POST', `${dbUrl}/_bulk_docs`, { docs, ...extra });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`_bulk_docs -> ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (extra.new_edits !== false) {
    const bad = res.body.filter((r) => !r.ok);
    if (bad.length) {
      throw new Error(`_bulk_docs rows failed: ${JSON.stringify(bad.slice(0, 3))}`);
    }
  }
  return res.body;
}

/** Generates `n` simple docs with zero-padded ids so that _all_docs order is predictable. */
export function makeDocs(n, prefix = 'doc', extra = () => ({})) {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => ({
    _id: `${prefix}-${String(i).padStart(width, '0')}`,
    n: i,
    text: `value ${i}`,
    nested: { even: i % 2 === 0, list: [i, i * 2] },
    ...extra(i),
  }));
}

/** Strips _rev (and other underscore fields) so bodies can be compared across databases. */
export function body(doc) {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_') || k === '_id'));
}

/**
 * Polls `probe` until it returns a truthy value, with a bounded number of attempts and a short,
 * growing backoff between them. Returns the value; throws with `what` on timeout.
 */
export async function waitFor(what, probe, { timeoutMs = 15000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) {
        return last;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** Deletes a remote database, ignoring errors (the temp data folder goes away anyway). */
export async function dropRemote(remote) {
  try {
    await http('DELETE', remote.url);
  } catch {
    // ignore
  }
}
