#!/usr/bin/env node
// One silo vs N silos of one Orleans cluster, W1M measured in the same run.sh invocation (run.sh --silos N):
//   node lib/silos-report.mjs --one results/R-r1-silos1.json --many results/R-r1-silos2.json [--one ... --many ...] \
//        --out results/R-silos.json [--command "..."] [--commit abc]
// Goal (issue 5): with two silos on this one 2-core machine, W1 over many databases keeps >= 90% of one silo's
// throughput, and the database grains are spread over both silos (every silo holds some of them).
// With several rounds, per side the round with the median rate is kept (its latencies and placement with it).
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const { values: a } = parseArgs({
  options: {
    one: { type: 'string', multiple: true, default: [] },
    many: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    command: { type: 'string', default: '' },
    commit: { type: 'string', default: '' },
  },
});

const GOAL = { ratio: 0.9 };
const load = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
function median(files) {
  const docs = files.map(load).filter(Boolean);
  const rs = docs.flatMap((d) => d.results).filter((r) => r && !r.failed);
  if (!rs.length) return { docs, result: null };
  const sorted = [...rs].sort((x, y) => x.rate - y.rate);
  return { docs, result: { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: rs.map((r) => r.rate), errors: rs.reduce((n, r) => n + r.errors, 0) } };
}

const one = median(a.one), many = median(a.many);
const o = one.result, m = many.result;
// Note: the verdict uses the exact ratio; only the printed figure is rounded (0.899 must not pass as 0.90).
const exactRatio = o && m && o.rate > 0 ? m.rate / o.rate : null;
const ratio = exactRatio == null ? null : Math.round(exactRatio * 1000) / 1000;
const placement = (r) => (r?.activations ? r.activations.map((s) => s.databaseGrains ?? '?').join(' / ') : 'n/m');
const spread = m?.activations ? m.activations.every((s) => (s.databaseGrains ?? 0) > 0) : null;
let goal = `>=${GOAL.ratio}x: `;
if (ratio == null) goal += 'not measured';
else if (o.errors || m.errors) goal += 'FAIL (errors)';
else goal += exactRatio >= GOAL.ratio ? 'PASS' : 'FAIL';
const spreadVerdict = spread == null ? 'not measured' : spread ? 'PASS' : 'FAIL';

const rows = [['Cluster', 'W1M rate', 'p50', 'p99', 'Server cores', 'Loadgen cores', 'Other cores', 'Database grains per silo', 'Errors']];
for (const [label, r] of [['1 silo', o], [`${m?.silos ?? 'N'} silos`, m]]) {
  rows.push([label, r ? `${r.rate.toLocaleString('en-US')} docs/s${r.rounds.length > 1 ? ` (rounds ${r.rounds.join(', ')})` : ''}` : 'not measured',
    r?.p50 == null ? 'n/m' : `${r.p50} ms`, r?.p99 == null ? 'n/m' : `${r.p99} ms`, r?.serverCores ?? '?', r?.loadgenCores ?? '?',
    r?.otherCores ?? '?', placement(r), r?.errors ?? 'n/m']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');

const busy = [...one.docs, ...many.docs].map((d) => `${d.target} ${d.busyCoresAtStart ?? '?'}`).join(', ');
console.log(`\nW1M (${o?.title ?? m?.title ?? 'W1 over many databases'}): one silo vs ${m?.silos ?? 'N'} silos (${new Date().toISOString()}, commit ${a.commit || '?'}, ${os.cpus().length} cpus)`);
if (a.command) console.log(`command: ${a.command}`);
console.log(`cores busy with other work before each side (should be ~0): ${busy}`);
console.log(table);
console.log(`Ratio ${m?.silos ?? 'N'} silos / 1 silo: ${ratio ?? 'n/m'}x  goal ${goal}`);
console.log(`Database grains spread over every silo: ${spreadVerdict} (this run's databases activated per silo: ${placement(m)})`);
if (m?.placementProbe) {
  console.log(`Placement probe (untimed, after the load): ${m.databases} more databases all created through silo 1 -> grains per silo: ${m.placementProbe.join(' / ')}`);
}
for (const [side, r] of [['1 silo', o], ['N silos', m]]) {
  if (r?.errors) console.log(`!! ${side}: ${r.errors} errors ${JSON.stringify(r.errorKinds)}`);
}
if (a.out) {
  writeFileSync(a.out, JSON.stringify({ command: a.command, commit: a.commit, goal: GOAL, one: o, many: m, ratio, goalVerdict: goal, spread: spreadVerdict, table }, null, 2));
  console.log(`raw results: ${a.out}`);
}
process.exit(!o || !m || o.errors || m.errors ? 1 : 0);
