#!/usr/bin/env node
// Compares Tessera called directly with Tessera called through the gateway, measured in the same run.sh invocation
// against the same server (run.sh --gateway):
//   node lib/gateway-report.mjs --direct results/R-r1-tessera-pg.json --gateway results/R-r1-tessera-pg-gateway.json \
//        [--direct ... --gateway ...] --out results/R-gateway.json [--command "..."] [--commit abc]
// Goal (issue 5): through the gateway W1 and W3 keep >= 80% of the direct throughput and the gateway adds < 1 ms p50.
// Throughput is judged on W1c16, W1c64 and W3; the added p50 on W3c1 (one request at a time), because under the
// saturating loads of the others the p50 mostly measures waiting for the CPU the gateway shares with the server.
// With several rounds, per workload and side the round with the median rate is kept (its p50 with it).
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const { values: a } = parseArgs({
  options: {
    direct: { type: 'string', multiple: true, default: [] },
    gateway: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    command: { type: 'string', default: '' },
    commit: { type: 'string', default: '' },
  },
});

const GOAL = { ratio: 0.8, addedP50Ms: 1 };
const ORDER = ['W1c16', 'W1c64', 'W2', 'W3', 'W4', 'W3c1'];
const LATENCY_PROBES = new Set(['W3c1']);
const load = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);

function median(files) {
  const docs = files.map(load).filter(Boolean);
  const byId = new Map();
  for (const d of docs) for (const r of d.results) if (!r.failed) byId.set(r.id, [...(byId.get(r.id) || []), r]);
  const out = new Map();
  for (const [id, rs] of byId) {
    const sorted = [...rs].sort((x, y) => x.rate - y.rate);
    out.set(id, { ...sorted[Math.floor((sorted.length - 1) / 2)], errors: rs.reduce((n, r) => n + r.errors, 0), rounds: rs.map((r) => r.rate) });
  }
  return { docs, results: out };
}

const direct = median(a.direct);
const viaGateway = median(a.gateway);
const rows = [['Workload', 'Direct', 'Via gateway', 'Ratio', 'p50 direct', 'p50 gateway', 'Added p50', 'p99 direct / gateway', 'Errors D/G', 'Goal']];
const comparisons = [];
for (const id of ORDER) {
  const d = direct.results.get(id), g = viaGateway.results.get(id);
  if (!d && !g) continue;
  // Note: the verdict uses the exact ratio; only the printed figure is rounded.
  const exactRatio = d && g && d.rate > 0 ? g.rate / d.rate : null;
  const ratio = exactRatio == null ? null : Math.round(exactRatio * 1000) / 1000;
  const added = d && g && d.p50 != null && g.p50 != null ? Math.round((g.p50 - d.p50) * 100) / 100 : null;
  const probe = LATENCY_PROBES.has(id);
  let goal = probe ? `+p50<${GOAL.addedP50Ms}ms: ` : `>=${GOAL.ratio}x: `;
  if (ratio == null || added == null) goal += 'not measured';
  else if (d.errors || g.errors) goal += 'FAIL (errors)';
  else goal += (probe ? added < GOAL.addedP50Ms : exactRatio >= GOAL.ratio) ? 'PASS' : 'FAIL';
  comparisons.push({ id, direct: d ?? null, gateway: g ?? null, ratio, addedP50Ms: added, goal });
  const rate = (r) => (r ? `${r.rate.toLocaleString('en-US')} ${r.unit}` : 'not measured');
  rows.push([`${id} ${(d || g).title}`, rate(d), rate(g), ratio == null ? 'n/m' : `${ratio}x`,
    d?.p50 == null ? 'n/m' : `${d.p50} ms`, g?.p50 == null ? 'n/m' : `${g.p50} ms`, added == null ? 'n/m' : `${added >= 0 ? '+' : ''}${added} ms`,
    `${d?.p99 ?? 'n/m'} / ${g?.p99 ?? 'n/m'} ms`, `${d?.errors ?? 'n/m'} / ${g?.errors ?? 'n/m'}`, goal]);
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');

const busy = [...direct.docs, ...viaGateway.docs].map((d) => `${d.target} ${d.results.map((r) => r.id).join('+')} ${d.busyCoresAtStart ?? '?'}`).join(', ');
const rounds = Math.max(0, ...[...direct.results.values(), ...viaGateway.results.values()].map((r) => r.rounds.length));
console.log(`\nTessera direct vs through the gateway (${new Date().toISOString()}, commit ${a.commit || '?'}, ${os.cpus().length} cpus${rounds > 1 ? `, median of ${rounds} rounds` : ''})`);
if (a.command) console.log(`command: ${a.command}`);
console.log(`cores busy with other work before each target (should be ~0): ${busy}`);
console.log(table);
console.log('Same server, same run: the direct and gateway figures differ only by the hop through the gateway (a separate process on the same cores).');
console.log(`Throughput goal on the loaded workloads; the added-p50 goal on ${[...LATENCY_PROBES].join(', ')} (one request at a time: the hop itself, no queueing for the shared CPU).`);
for (const c of comparisons) {
  for (const [side, r] of [['direct', c.direct], ['gateway', c.gateway]]) {
    if (r?.errors) console.log(`!! ${side} ${c.id}: ${r.errors} errors ${JSON.stringify(r.errorKinds)}`);
  }
}
if (a.out) {
  writeFileSync(a.out, JSON.stringify({ command: a.command, commit: a.commit, goal: GOAL, comparisons, table }, null, 2));
  console.log(`raw results: ${a.out}`);
}
process.exit(comparisons.some((c) => c.direct?.errors || c.gateway?.errors) ? 1 : 0);
