#!/usr/bin/env node
// Many small databases: creates N databases in one tenant, writes one document into each, then waits for the
// server's idle grains to deactivate and reports the server process's resident memory at each step.
//   node lib/databases.mjs --url http://127.0.0.1:P/t/dev --pid PID [--count 10000] [--concurrency 16]
//                          [--settle-seconds 90] [--out FILE]
// The goal (issue: foundation) is RSS under 300 MB after idle deactivation with 10,000 databases written once.
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { basicAuthorization } from './loadgen.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
// Note: undici ignores credentials in a URL, so they become an Authorization header.
const url = args.url ? new URL(args.url) : null;
const authorization = url ? basicAuthorization(url) : undefined;
if (url) { url.username = ''; url.password = ''; }
const base = url?.href.replace(/\/+$/, '');
const pid = Number(args.pid);
const count = Number(args.count ?? 10000);
const concurrency = Number(args.concurrency ?? 16);
const settleSeconds = Number(args['settle-seconds'] ?? 90);
if (!base || !pid) {
  console.error('usage: databases.mjs --url BASE --pid PID [--count N] [--concurrency C] [--settle-seconds S] [--out FILE]');
  process.exit(2);
}

const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const rssMb = () => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

async function call(method, path, body) {
  const res = await request(`${base}/${path}`, {
    method, dispatcher,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(authorization ? { authorization } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  await res.body.dump();
  return res.statusCode;
}

const prefix = `many_${Date.now().toString(36)}_`;
const samples = [{ step: 'start', rssMb: rssMb() }];
let next = 0, errors = 0;
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  // Bounded: each worker takes indexes until N databases were created.
  for (let i = next++; i < count; i = next++) {
    const db = `${prefix}${i}`;
    if (await call('PUT', db) !== 201) errors++;
    if (await call('POST', db, { _id: 'only', n: i, text: 'written once' }) !== 201) errors++;
  }
}));
const createSeconds = (performance.now() - started) / 1000;
samples.push({ step: `created ${count} databases, one doc each`, rssMb: rssMb() });

// Bounded wait for idle deactivation: sample every 5 s for settleSeconds.
for (let waited = 5; waited <= settleSeconds; waited += 5) {
  await new Promise((r) => setTimeout(r, 5000));
  samples.push({ step: `idle ${waited} s`, rssMb: rssMb() });
}

const result = {
  count, concurrency, errors, createSeconds: Number(createSeconds.toFixed(1)),
  databasesPerSecond: Math.round(count / createSeconds), samples,
  finalRssMb: samples.at(-1).rssMb, goalMb: 300, pass: errors === 0 && samples.at(-1).rssMb < 300,
};
for (const s of samples) console.log(`${s.step.padEnd(40)} RSS ${s.rssMb} MB`);
console.log(`${count} databases in ${result.createSeconds} s (${result.databasesPerSecond}/s), errors ${errors}; ` +
  `after idle: ${result.finalRssMb} MB (goal < 300 MB): ${result.pass ? 'PASS' : 'FAIL'}`);
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 1));
await dispatcher.close();
