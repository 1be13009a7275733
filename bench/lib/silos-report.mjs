#!/usr/bin/env node
// One silo vs N silos of one Orleans cluster, W1M measured in the same run.sh invocation (run.sh --silos N):
//   node lib/silos-report.mjs --one R-r1-silos1.json --many R-r1-silos2.json [--one-after R-r1-silos1-after.json] \
//        [--one ... --many ... --one-after ...] --out results/R-silos.json [--command "..."] [--commit abc]
// Goal (issue 5): with two silos on this one 2-core machine, W1 over many databases keeps >= 90% of one silo's
// throughput, and the database grains are spread over both silos (every silo holds some of them).
//
// Rounds are paired: the i-th --one, --many and --one-after come from round i (one PostgreSQL, one silo 1). A round's
// ratio is many / one, or many / mean(one, one-after) when the one silo was measured again after the others left
// (run.sh does: the two one-silo runs bracket the N-silo run, so drift inside a round weighs on both sides). The
// verdict is the median of the quiet rounds' ratios (no other work on the machine; see QUIET_CORES). The table shows, per side, the round with the median rate (its latencies
// and placement with it); the ratio of those two medians is printed too, for comparison with older runs.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const { values: a } = parseArgs({
  options: {
    one: { type: 'string', multiple: true, default: [] },
    many: { type: 'string', multiple: true, default: [] },
    'one-after': { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    command: { type: 'string', default: '' },
    commit: { type: 'string', default: '' },
  },
});

const GOAL = { ratio: 0.9 };
const load = (f) => (f && existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const resultOf = (d) => d?.results?.find((r) => r && !r.failed) ?? null;
const medianOf = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
function median(docs) {
  const rs = docs.map(resultOf).filter(Boolean);
  if (!rs.length) return null;
  const sorted = [...rs].sort((x, y) => x.rate - y.rate);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: rs.map((r) => r.rate), errors: docs.reduce((n, d) => n + (d?.results ?? []).reduce((k, r) => k + (r?.failed ? 1 : r?.errors ?? 0), 0), 0) };
}

const oneDocs = a.one.map(load), manyDocs = a.many.map(load), afterDocs = a['one-after'].map(load);
const o = median([...oneDocs, ...afterDocs]), m = median(manyDocs);
const r3 = (x) => (x == null ? null : Math.round(x * 1000) / 1000);
// A round is quiet when no run of it shared the machine with other work: other work (machine minus the silos,
// PostgreSQL and the load generator) at most QUIET_CORES during each run's measured window (otherCores). Note: the rule
// looks at both sides of a round alike, so dropping busy rounds cannot favour one side. It does not look at
// busyCoresAtStart: that sample is taken right after a silo started, and counts the silo's own start-up as busy.
const QUIET_CORES = 0.25;
const quietRun = (d) => d != null && (resultOf(d)?.otherCores ?? 9) <= QUIET_CORES;
const rounds = manyDocs.map((md, i) => {
  const before = resultOf(oneDocs[i]), many = resultOf(md), after = resultOf(afterDocs[i]);
  const oneRate = before && after ? (before.rate + after.rate) / 2 : before?.rate ?? after?.rate ?? null;
  const docs = [oneDocs[i], md, ...(afterDocs.length ? [afterDocs[i]] : [])];
  return { round: i + 1, one: before?.rate ?? null, many: many?.rate ?? null, oneAfter: after?.rate ?? null,
    ratio: oneRate && many ? many.rate / oneRate : null, quiet: docs.every(quietRun),
    otherCores: docs.map((d) => resultOf(d)?.otherCores ?? null) };
});
const MIN_QUIET_ROUNDS = Math.min(3, rounds.length);
const quietRatios = rounds.filter((r) => r.quiet && r.ratio != null).map((r) => r.ratio);
const ratios = rounds.map((r) => r.ratio).filter((x) => x != null);
// The verdict: the median ratio of the quiet rounds, given at least 3 of them (or every round of a shorter run);
// otherwise not settled. The median over all rounds is printed beside it.
// Note: the verdict uses the exact ratio; only the printed figure is rounded (0.899 must not pass as 0.90).
const exactRatio = quietRatios.length >= MIN_QUIET_ROUNDS && quietRatios.length ? medianOf(quietRatios) : null;
const ratio = r3(exactRatio);
const allRoundsRatio = r3(ratios.length ? medianOf(ratios) : null);
const ratioOfMedians = o && m && o.rate > 0 ? r3(m.rate / o.rate) : null;
const placement = (r) => (r?.activations ? r.activations.map((s) => s.databaseGrains ?? '?').join(' / ') : 'n/m');
const spread = m?.activations ? m.activations.every((s) => (s.databaseGrains ?? 0) > 0) : null;
let goal = `>=${GOAL.ratio}x: `;
if (ratio == null) goal += ratios.length ? `not settled (${quietRatios.length} quiet rounds of ${rounds.length}, ${MIN_QUIET_ROUNDS} needed)` : 'not measured';
else if (o.errors || m.errors) goal += 'FAIL (errors)';
else goal += exactRatio >= GOAL.ratio ? 'PASS' : 'FAIL';
const spreadVerdict = spread == null ? 'not measured' : spread ? 'PASS' : 'FAIL';

const jit = (r) => (r?.runtime ? r.runtime.map((x) => x?.jitMsPerSec ?? '?').join(' / ') : 'n/m');
const rows = [['Cluster', 'W1M rate', 'p50', 'p99', 'Server cores', 'Loadgen cores', 'Other cores', 'JIT ms/s per silo', 'Trend', 'Database grains per silo', 'Errors']];
for (const [label, r] of [['1 silo', o], [`${m?.silos ?? 'N'} silos`, m]]) {
  rows.push([label, r ? `${r.rate.toLocaleString('en-US')} docs/s${r.rounds.length > 1 ? ` (runs ${r.rounds.join(', ')})` : ''}` : 'not measured',
    r?.p50 == null ? 'n/m' : `${r.p50} ms`, r?.p99 == null ? 'n/m' : `${r.p99} ms`, r?.serverCores ?? '?', r?.loadgenCores ?? '?',
    r?.otherCores ?? '?', jit(r), r?.trend ?? '?', placement(r), r?.errors ?? 'n/m']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');

const busy = [...oneDocs, ...manyDocs, ...afterDocs].filter(Boolean).map((d) => `${d.target} ${d.busyCoresAtStart ?? '?'}`).join(', ');
console.log(`\nW1M (${o?.title ?? m?.title ?? 'W1 over many databases'}): one silo vs ${m?.silos ?? 'N'} silos (${new Date().toISOString()}, commit ${a.commit || '?'}, ${os.cpus().length} cpus)`);
if (a.command) console.log(`command: ${a.command}`);
console.log(`cores busy with other work before each side (should be ~0): ${busy}`);
console.log(table);
for (const r of rounds) {
  console.log(`round ${r.round}: 1 silo ${r.one ?? 'n/m'}${r.oneAfter != null ? ` and ${r.oneAfter} after` : ''}, ${m?.silos ?? 'N'} silos ${r.many ?? 'n/m'} docs/s -> ${r3(r.ratio) ?? 'n/m'}x`
    + `  (other cores ${r.otherCores.join(' / ')}${r.quiet ? '' : ': BUSY, not counted'})`);
}
console.log(`Ratio ${m?.silos ?? 'N'} silos / 1 silo (median of the quiet rounds' ratios): ${ratio ?? 'n/m'}x  goal ${goal}`
  + `  (quiet rounds >= ${GOAL.ratio}x: ${quietRatios.filter((x) => x >= GOAL.ratio).length} of ${quietRatios.length}; median of all rounds ${allRoundsRatio ?? 'n/m'}x;`
  + ` ratio of the median runs ${ratioOfMedians ?? 'n/m'}x)`);
console.log(`Database grains spread over every silo: ${spreadVerdict} (this run's databases activated per silo: ${placement(m)})`);
if (m?.placementProbe) {
  console.log(`Placement probe (untimed, after the load): ${m.databases} more databases all created through silo 1 -> grains per silo: ${m.placementProbe.join(' / ')}`);
}
for (const [side, r] of [['1 silo', o], ['N silos', m]]) {
  if (r?.errors) console.log(`!! ${side}: ${r.errors} errors ${JSON.stringify(r.errorKinds)}`);
}
if (a.out) {
  writeFileSync(a.out, JSON.stringify({ command: a.command, commit: a.commit, goal: GOAL, one: o, many: m, rounds, ratio, allRoundsRatio, ratioOfMedians, quietCores: QUIET_CORES,
    goalVerdict: goal, spread: spreadVerdict, table }, null, 2));
  console.log(`raw results: ${a.out}`);
}
process.exit(!o || !m || o.errors || m.errors ? 1 : 0);
