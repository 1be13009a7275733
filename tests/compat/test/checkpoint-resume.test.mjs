// 10. an interrupted replication resumes from its _local checkpoint instead of starting over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bulkDocs, dropRemote, getJson, http, localDb, makeDocs, remoteDb, tenant } from '../lib/tessera.mjs';
import { startRecordingProxy } from '../lib/proxy.mjs';

const N = 2000;
const BATCH = 100;

const checkpointPuts = (log) =>
  log.filter((e) => e.method === 'PUT' && e.path.includes('/_local/')).map((e) => decodeURIComponent(e.path.split('/_local/')[1]));
const bulkDocsSent = (log) => log.filter((e) => e.docs !== undefined).reduce((n, e) => n + e.docs, 0);

test('resume: a push cancelled after 5 checkpoints resumes and sends only the rest', async (t) => {
  const local = localDb('resume-push');
  const remote = await remoteDb('resume-push');
  const proxy = await startRecordingProxy();
  t.after(async () => {
    await proxy.close();
    await Promise.all([local.destroy(), dropRemote(remote)]);
  });
  const target = `${proxy.url}/t/${tenant}/${remote.name}`;

  await local.bulkDocs(makeDocs(N, 'r'));

  // Run 1: cancel right after the K-th checkpoint is written (both sides), before the next batch.
  const K = 5;
  const rep1 = local.replicate.to(target, { batch_size: BATCH });
  let checkpoints = 0;
  rep1.on('checkpoint', (c) => {
    if (c.checkpoint !== undefined && ++checkpoints === K) {
      rep1.cancel();
    }
  });
  const first = await rep1;
  assert.equal(first.status, 'cancelled');
  assert.equal(first.docs_written, K * BATCH);
  const sentFirst = bulkDocsSent(proxy.log);
  assert.equal(sentFirst, K * BATCH);

  // The checkpoint exists on the remote, readable over HTTP, at the last completed batch.
  const ids = [...new Set(checkpointPuts(proxy.log))];
  assert.equal(ids.length, 1, `one replication id, got ${JSON.stringify(ids)}`);
  const checkpoint = await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`);
  assert.equal(checkpoint._id, `_local/${ids[0]}`);
  assert.equal(checkpoint.last_seq, K * BATCH);
  assert.equal(checkpoint.history[0].last_seq, K * BATCH);
  assert.equal(checkpoint.session_id, checkpoint.history[0].session_id);
  const localCheckpoint = await local.get(`_local/${ids[0]}`);
  assert.equal(localCheckpoint.last_seq, checkpoint.last_seq);
  assert.equal((await getJson(remote.url)).doc_count, K * BATCH);

  // Run 2: a fresh replication reads the checkpoint and transfers only the remaining docs.
  const mark = proxy.log.length;
  const second = await local.replicate.to(target, { batch_size: BATCH });
  const log2 = proxy.log.slice(mark);
  t.diagnostic(`run 1 wrote ${first.docs_written}, run 2 read ${second.docs_read} / wrote ${second.docs_written} of ${N}`);
  assert.equal(second.status, 'complete');
  assert.equal(second.docs_read, N - K * BATCH);
  assert.equal(second.docs_written, N - K * BATCH);
  assert.equal(bulkDocsSent(log2), N - K * BATCH);
  assert.ok(log2.some((e) => e.method === 'GET' && e.path.endsWith(`/_local/${ids[0]}`)), 'run 2 read the remote checkpoint');

  assert.equal((await getJson(remote.url)).doc_count, N);
  const final = await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`);
  assert.equal(final.last_seq, N);
});

test('resume: a pull cut off by a dropped connection resumes from the remote checkpoint', async (t) => {
  const local = localDb('resume-pull');
  const remote = await remoteDb('resume-pull');
  const proxy = await startRecordingProxy();
  t.after(async () => {
    await proxy.close();
    await Promise.all([local.destroy(), dropRemote(remote)]);
  });
  const source = `${proxy.url}/t/${tenant}/${remote.name}`;

  const docs = makeDocs(N, 'u');
  for (let i = 0; i < N; i += 500) {
    await bulkDocs(remote.url, docs.slice(i, i + 500));
  }

  // Run 1: the network dies on the 8th batch fetch (the connection is dropped, no response).
  let fetches = 0;
  proxy.cut = (e) => (e.path.endsWith('/_bulk_get') || e.path.includes('/u-')) && ++fetches >= 8;
  await assert.rejects(local.replicate.from(source, { batch_size: BATCH }));
  proxy.cut = null;

  const pulledFirst = (await local.info()).doc_count;
  assert.ok(pulledFirst >= 7 * BATCH && pulledFirst < N, `run 1 pulled ${pulledFirst}`);

  const ids = [...new Set(checkpointPuts(proxy.log))];
  assert.equal(ids.length, 1, `one replication id, got ${JSON.stringify(ids)}`);
  const checkpoint = await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`);
  assert.ok(checkpoint.last_seq !== undefined && checkpoint.last_seq !== 0, 'remote checkpoint has a last_seq');

  // How many changes the server has after the checkpoint: what a resume must read.
  const rest = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(checkpoint.last_seq)}`);
  assert.equal(rest.results.length, N - 7 * BATCH);

  // Run 2 starts _changes at the checkpoint, not at 0, and reads only the remaining changes.
  const mark = proxy.log.length;
  const second = await local.replicate.from(source, { batch_size: BATCH });
  const log2 = proxy.log.slice(mark);
  t.diagnostic(`run 1 pulled ${pulledFirst}, run 2 read ${second.docs_read} / wrote ${second.docs_written} of ${N}`);
  const firstChanges = log2.find((e) => e.path.endsWith('/_changes'));
  assert.equal(String(firstChanges.query.since), String(checkpoint.last_seq));
  assert.equal(second.docs_read, rest.results.length);
  assert.equal(second.docs_written, N - pulledFirst);
  assert.equal((await local.info()).doc_count, N);
});
