#!/usr/bin/env node
// Merges per-target result files into one JSON document and prints the comparison table.
//   node lib/report.mjs --baseline results/R-pouchdb.json --candidate results/R-tessera-pg.json \
//        [--candidate ...] --out results/R.json [--command "bench/run.sh ..."]
// Missing figures print as "not measured"; they are never filled in or estimated.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';

const { values: a } = parseArgs({
  options: {
    baseline: { type: 'string', multiple: true, default: [] },
    candidate: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    command: { type: 'string', default: '' },
    commit: { type: 'string' }, // from run.sh: the tree that was built
  },
});

// Acceptance targets from docs/benchmarks.md: candidate/baseline throughput ratio, and for
// W1 c=64 also an absolute p99 ceiling.
export const GOALS = {
  W1c64: { ratio: 5, p99: 50 },
  W2: { ratio: 4 },
  W3: { ratio: 5 },
  W4: { ratio: 5 },
  W6push: { ratio: 2 },
  W6pull: { ratio: 2 },
  // W5 (live feeds): latency, so the ratio is pouchdb p50 / Tessera p50; plus KB of server RSS per idle subscription.
  W5ws: { p50Ratio: 3, p99: 50, memKb: 20 },
  // W7 (continuous server-side replication): an absolute latency target, write ack to arrival on the target.
  W7: { p99Only: 1000 },
  W7loc: { p99Only: 1000 },
};
const ORDER = ['W1c16', 'W1c64', 'W2', 'W3', 'W4', 'W5ws', 'W5cont', 'W6push', 'W6pull', 'W7', 'W7loc'];
// The baseline has no WebSocket feed: Tessera's WebSocket subscribers are compared with its continuous feed.
const BASELINE_OF = { W5ws: 'W5cont' };
const LATENCY_RATIO = new Set(['W5ws', 'W5cont']);
// Fixed-rate workloads: the rate is the load, not a result; the Ratio compares p50 latencies (baseline / Tessera).
const P50_RATIO = new Set([...LATENCY_RATIO, 'W7', 'W7loc']);
// Whole-run workloads: the table shows their duration beside the rate (no per-request latency).
const SHOW_SECONDS = new Set(['W6push', 'W6pull']);

const load = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);

// Several files of one target (--rounds N) fold into one: per workload, the round whose rate
// is the median, kept whole so its p50/p99/errors stay consistent. rounds[] keeps every rate.
function fold(files, fallbackName) {
  const docs = files.map(load).filter(Boolean);
  if (!docs.length) return files.length ? { target: fallbackName, results: [] } : null;
  const ids = [...new Set(docs.flatMap((d) => d.results.map((r) => r.id)))];
  const results = ids.map((id) => {
    const ok = docs.map((d) => d.results.find((r) => r.id === id && !r.failed)).filter(Boolean);
    if (!ok.length) return docs.map((d) => d.results.find((r) => r.id === id)).find(Boolean);
    const sorted = [...ok].sort((x, y) => x.rate - y.rate);
    const errors = ok.reduce((n, r) => n + r.errors, 0); // errors of any round count
    const failedRounds = docs.length - ok.length; // a round where the workload could not run
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], errors, failedRounds, rounds: ok.map((r) => r.rate) };
  });
  return { ...docs[0], results, rounds: docs.length, busyCoresAtStart: Math.max(...docs.map((d) => d.busyCoresAtStart ?? 0)) };
}
const groupByTarget = (files) => {
  const m = new Map();
  for (const f of files) {
    const name = load(f)?.target ?? f.replace(/^.*-r\d+-(.*)\.json$/, '$1');
    m.set(name, [...(m.get(name) || []), f]);
  }
  return [...m].map(([name, fs]) => fold(fs, name));
};
const base = fold(a.baseline, 'pouchdb-server');
const cands = groupByTarget(a.candidate);
const byId = (doc, id) => doc?.results?.find((r) => r.id === id && !r.failed) || null;

// "*" marks a figure measured while other processes used > SKEW cores (see otherCores).
const SKEW = 0.25;
const skewed = (r) => r && r.otherCores != null && r.otherCores > SKEW;
const fmtRate = (r) => (r
  ? (LATENCY_RATIO.has(r.id)
    ? `${r.memPerSubKb} KB/idle sub (marginal ${r.memPerSubMarginalKb}), ${r.deliveries}/${r.expected} rows${skewed(r) ? '*' : ''}`
    : `${r.rate.toLocaleString('en-US')} ${r.unit}${SHOW_SECONDS.has(r.id) ? ` (${r.elapsedSec} s)` : ''}${skewed(r) ? '*' : ''}`)
  : 'not measured');
const fmtLat = (r) => (r ? (r.p50 == null ? '-' : `${r.p50} / ${r.p99}`) : 'n/m');
const fmtErr = (r) => (r ? String(r.errors) : 'n/m');

function verdict(id, c, b) {
  const g = GOALS[id];
  if (!g) return '-';
  if (g.p99Only) {
    const want = `p99<${g.p99Only}ms`;
    if (!c) return `${want}: not measured`;
    if (c.errors > 0 || c.failedRounds > 0) return `${want}: FAIL (errors)`;
    return `${want}: ${c.p99 < g.p99Only ? 'PASS' : 'FAIL'}`;
  }
  if (g.p50Ratio) {
    const want = `p50 >=${g.p50Ratio}x lower, p99<${g.p99}ms, <${g.memKb} KB/sub`;
    if (!c || !b) return `${want}: not measured`;
    if (c.errors > 0 || c.failedRounds > 0) return `${want}: FAIL (errors)`;
    const ok = b.p50 / Math.max(c.p50, 0.01) >= g.p50Ratio && c.p99 < g.p99 && c.memPerSubKb != null && c.memPerSubKb < g.memKb;
    return `${want}: ${ok ? 'PASS' : 'FAIL'}`;
  }
  const want = `>=${g.ratio}x${g.p99 ? `, p99<${g.p99}ms` : ''}`;
  if (!c || !b) return `${want}: not measured`;
  if (c.errors > 0 || c.failedRounds > 0) return `${want}: FAIL (errors)`;
  const ok = c.rate / b.rate >= g.ratio && (!g.p99 || c.p99 < g.p99);
  return `${want}: ${ok ? 'PASS' : 'FAIL'}`;
}

const comparisons = [];
const rows = [['Workload', 'Target', 'Tessera', 'pouchdb-server', 'Ratio', 'Tessera p50/p99 ms', 'pouchdb p50/p99 ms', 'Errors T/P', 'Goal']];
for (const cand of cands) {
  for (const id of ORDER) {
    const c = byId(cand, id), b = byId(base, BASELINE_OF[id] ?? id);
    if (!c && !b) continue;
    const ratio = !c || !b ? null
      : P50_RATIO.has(id) ? (c.p50 > 0 ? Math.round((b.p50 / c.p50) * 100) / 100 : null)
        : b.rate > 0 ? Math.round((c.rate / b.rate) * 100) / 100 : null;
    const title = (c || b).title;
    comparisons.push({ id, target: cand.target, candidate: c, baseline: b, ratio, goal: verdict(id, c, b) });
    rows.push([`${id} ${title}`, cand.target, fmtRate(c), fmtRate(b), ratio == null ? 'n/m' : `${ratio}x`,
      fmtLat(c), fmtLat(b), `${fmtErr(c)} / ${fmtErr(b)}`, verdict(id, c, b)]);
  }
}

// Markdown table, padded so it also reads well in a terminal.
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');

let commit = a.commit ?? null;
if (!commit) try {
  const git = (cmd) => execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  commit = git('git rev-parse --short HEAD');
  // run.sh builds the work tree, so uncommitted server changes are part of what was measured.
  if (git('git status --porcelain -- services')) commit += '+uncommitted';
} catch { /* not a git checkout */ }
const env = {
  date: new Date().toISOString(),
  command: a.command,
  commit,
  quick: Boolean(base?.quick ?? cands[0]?.quick),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};

const rounds = base?.rounds ?? cands[0]?.rounds ?? 1;
console.log(`\nTessera vs pouchdb-server  (${env.date}, commit ${commit ?? '?'}, ${env.cpus} cpus, ${env.quick ? 'QUICK smoke run' : 'full run'}${rounds > 1 ? `, median of ${rounds} rounds` : ''})`);
if (a.command) console.log(`command: ${a.command}`);
console.log(`cores busy with other work before each target (should be ~0): ${[base, ...cands].filter(Boolean).map((d) => `${d.target} ${d.busyCoresAtStart ?? '?'}`).join(', ')}`);
console.log(table);
console.log('Rates are successful units per second; any non-2xx or malformed answer is counted under Errors, never as throughput.');
if (comparisons.some((x) => LATENCY_RATIO.has(x.id))) {
  console.log('W5: latency from a write\'s acknowledgement to each subscriber\'s receipt; Ratio = pouchdb-server p50 / Tessera p50 (pouchdb: feed=continuous); KB/idle sub = server RSS growth / idle subscriptions.');
}
if (comparisons.some((x) => x.id.startsWith('W7'))) {
  console.log('W7: continuous _replicate on the server, writes at a fixed rate into the source; latency from the write\'s acknowledgement to its arrival on the target\'s feed; Ratio = pouchdb-server p50 / Tessera p50.');
}
if ([base, ...cands].some((d) => d?.results?.some(skewed))) {
  console.log(`* other processes used more than ${SKEW} cores during this measurement (otherCores in the JSON): figure likely skewed (kernel I/O threads also count here), rerun on a quiet machine.`);
}
for (const doc of [base, ...cands]) {
  for (const r of doc?.results || []) {
    if (r.failed) console.log(`!! ${doc.target} ${r.id} failed: ${r.error}`);
    else if (r.errors) console.log(`!! ${doc.target} ${r.id}: ${r.errors} errors ${JSON.stringify(r.errorKinds)}`);
    if (r.failedRounds) console.log(`!! ${doc.target} ${r.id} could not run in ${r.failedRounds} round(s)`);
  }
}

if (a.out) {
  writeFileSync(a.out, JSON.stringify({ env, baseline: base, candidates: cands, comparisons, table }, null, 2));
  console.log(`raw results: ${a.out}`);
}
