// 4. 10,000 documents pushed and pulled in bulk; counts and revs equal; timings printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { body, dropRemote, getJson, localDb, makeDocs, remoteDb } from '../lib/tessera.mjs';

const N = 10_000;
const BATCH = 500;

test(`bulk: ${N.toLocaleString('en')} docs pushed then pulled into a fresh local db`, async (t) => {
  const source = localDb('bulk-src');
  const target = localDb('bulk-dst');
  const remote = await remoteDb('bulk');
  t.after(() => Promise.all([source.destroy(), target.destroy(), dropRemote(remote)]));

  const docs = makeDocs(N, 'b', (i) => ({ payload: 'x'.repeat(i % 200) }));
  for (let i = 0; i < N; i += 2000) {
    await source.bulkDocs(docs.slice(i, i + 2000));
  }

  let started = performance.now();
  const pushed = await source.replicate.to(remote.url, { batch_size: BATCH });
  const pushMs = performance.now() - started;
  assert.equal(pushed.docs_written, N);
  assert.equal(pushed.doc_write_failures, 0);

  const info = await getJson(remote.url);
  assert.equal(info.doc_count, N);

  started = performance.now();
  const pulled = await target.replicate.from(remote.url, { batch_size: BATCH });
  const pullMs = performance.now() - started;
  assert.equal(pulled.docs_written, N);
  assert.equal(pulled.doc_write_failures, 0);

  t.diagnostic(`push ${N} docs: ${Math.round(pushMs)} ms (${Math.round(N / (pushMs / 1000))} docs/s)`);
  t.diagnostic(`pull ${N} docs: ${Math.round(pullMs)} ms (${Math.round(N / (pullMs / 1000))} docs/s)`);

  const [a, b, r] = await Promise.all([
    source.allDocs(),
    target.allDocs(),
    getJson(`${remote.url}/_all_docs`),
  ]);
  assert.equal(b.total_rows, N);
  assert.equal(r.total_rows, N);
  const revsOf = (rows) => rows.map((x) => `${x.id}@${x.value.rev}`);
  assert.deepEqual(revsOf(b.rows), revsOf(a.rows));
  assert.deepEqual(revsOf(r.rows), revsOf(a.rows));

  for (const i of [0, 4321, N - 1]) {
    assert.deepEqual(body(await target.get(docs[i]._id)), docs[i]);
  }
});
