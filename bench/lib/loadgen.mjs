// Closed-loop HTTP load generator on undici.
//
// N workers share one keep-alive Pool with N connections; each worker keeps exactly one
// request in flight, so "concurrency" is the number of outstanding requests. Every run is
// bounded twice: by time (warm-up + measure window) and by a request count, so a slow or
// broken server can never make the benchmark run away.
//
// A workload supplies:
//   next(worker, seq)  -> { method, path, headers, body, units } | null   (null = worker done)
//   check(worker, req, status, text) -> { units, errors, kind }  (units = successful docs/reads)
// Only 2xx responses whose body passes the workload's own check count as throughput; every
// other outcome is an error, tallied by kind ("409", "500", "bad-body", "network:ECONNRESET").
import { Pool } from 'undici';

export function openPool(baseUrl, connections) {
  const u = new URL(baseUrl);
  const raw = new Pool(u.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000, // a stuck server turns into counted errors, not a hung run
    bodyTimeout: 60_000,
  });
  // Credentials in the URL (http://key:secret@host/t/dev, as CouchDB replication URLs carry them) go
  // into every request as HTTP Basic, the way PouchDB sends them.
  if (!u.username) return { pool: raw, basePath: u.pathname.replace(/\/+$/, '') };
  const authorization = basicAuthorization(u);
  const pool = {
    request: (opts) => raw.request({ ...opts, headers: { ...(opts.headers || {}), authorization } }),
    close: () => raw.close(),
  };
  return { pool, basePath: u.pathname.replace(/\/+$/, '') };
}

// One request outside the measured loop (setup, verification). Returns { status, text, json }.
export async function call(pool, method, path, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  const res = await pool.request({ method, path, headers, body });
  const text = await res.body.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.statusCode, text, json };
}

// Nearest-rank percentile over an ascending Float64Array.
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const MAX_NETWORK_ERRORS = 200; // connection refused loops would otherwise spin for the whole window

export async function runLoad({ pool, concurrency, warmupMs = 0, durationMs, maxRequests, next, check }) {
  const t0 = performance.now();
  const windowStart = t0 + warmupMs;
  const windowEnd = windowStart + durationMs;
  const latencies = [];
  const errorKinds = {};
  const perSecond = []; // units completed in each second of the window: shows stalls
  let issued = 0, requests = 0, units = 0, errors = 0, warmupErrors = 0, networkErrors = 0;
  let lastEnd = windowStart, stopReason = null;

  const stop = (reason) => { if (!stopReason) stopReason = reason; };

  async function worker(w) {
    for (;;) {
      if (stopReason) return;
      if (performance.now() >= windowEnd) return stop('duration');
      if (issued >= maxRequests) return stop('count');
      const seq = issued++;
      const req = await next(w, seq);
      if (!req) return stop('count');

      const start = performance.now();
      let status = 0, text = '', netError = null;
      try {
        const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body });
        status = res.statusCode;
        text = await res.body.text();
      } catch (e) {
        netError = e;
      }
      const end = performance.now();
      let outcome;
      if (netError) {
        outcome = { units: 0, errors: req.units ?? 1, kind: `network:${netError.code || netError.name}` };
        if (++networkErrors >= MAX_NETWORK_ERRORS) stop('network-errors');
      } else {
        outcome = await check(w, req, status, text); // a bug in check() should crash loudly
      }

      // Errors count in every phase (a warm-up full of 500s must not vanish); throughput and
      // latency only for requests that both started and finished inside the measure window.
      if (outcome.errors > 0) {
        errorKinds[outcome.kind] = (errorKinds[outcome.kind] || 0) + outcome.errors;
        if (start < windowStart) warmupErrors += outcome.errors; else errors += outcome.errors;
      }
      if (start >= windowStart && end <= windowEnd) {
        requests++;
        units += outcome.units;
        const sec = Math.floor((end - windowStart) / 1000);
        perSecond[sec] = (perSecond[sec] || 0) + outcome.units;
        latencies.push(end - start);
        if (end > lastEnd) lastEnd = end;
      }
    }
  }

  const loadCpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const loadCpu = process.cpuUsage(loadCpu0);

  // A duration-bounded run is measured over the full window; a count-bounded one (W2) ends
  // when its last request completes.
  const elapsedMs = stopReason === 'duration' ? durationMs : Math.max(1, lastEnd - windowStart);
  const sorted = Float64Array.from(latencies).sort();
  const round = (x) => (x == null ? null : Math.round(x * 100) / 100);
  return {
    stopReason,
    concurrency,
    requests,
    units,
    elapsedSec: round(elapsedMs / 1000),
    rate: Math.round((units / elapsedMs) * 1000),
    requestsPerSec: Math.round((requests / elapsedMs) * 1000),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
    errors: errors + warmupErrors,
    warmupErrors,
    errorKinds,
    perSecond: Array.from(perSecond, (x) => x || 0),
    // CPU seconds this load-generator process used per wall second; near 1.0 means the
    // generator itself (one JS thread) was the bottleneck, not the server.
    loadgenCores: round((loadCpu.user + loadCpu.system) / 1000 / (performance.now() - t0)),
  };
}

/** The HTTP Basic header for the credentials of a URL (user:secret@host), or undefined when it has none. */
export function basicAuthorization(url) {
  return url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
}
