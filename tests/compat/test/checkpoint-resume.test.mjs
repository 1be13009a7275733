// 10. an interrupted replication resumes from its _local checkpoint instead of starting over.
//
// Each run talks to the remote through a recording proxy with its own `x-compat-run` header, so
// the requests of run 2 can be told apart from stragglers of run 1 (PouchDB's changes reader keeps
// reading for a moment after a replication is aborted). The replication id depends only on the
// database URLs, so both runs share one checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PouchDB, bulkDocs, dropRemote, getJson, localDb, makeDocs, remoteDb, tenant, withCredentials } from '../lib/tessera.mjs';
import { startRecordingProxy } from '../lib/proxy.mjs';

const N = 2000;
const BATCH = 100;

const ofRun = (log, run) => log.filter((e) => e.run === run);
const checkpointIds = (log) => [
  ...new Set(log.filter((e) => e.method === 'PUT' && e.path.includes('/_local/')).map((e) => decodeURIComponent(e.path.split('/_local/')[1]))),
];
const bulkDocsSent = (log) => log.filter((e) => e.docs !== undefined).reduce((n, e) => n + e.docs, 0);

async function setup(t, prefix) {
  const local = localDb(prefix);
  const remote = await remoteDb(prefix);
  const proxy = await startRecordingProxy();
  t.after(async () => {
    await proxy.close();
    await Promise.all([local.destroy(), dropRemote(remote)]);
  });
  const viaProxy = withCredentials(`${proxy.url}/t/${tenant}/${remote.name}`);
  const run = (tag) => new PouchDB(viaProxy, { headers: { 'x-compat-run': tag } });
  return { local, remote, proxy, run };
}

test('resume: a push cancelled after 5 checkpoints resumes and sends only the rest', async (t) => {
  const { local, remote, proxy, run } = await setup(t, 'resume-push');
  await local.bulkDocs(makeDocs(N, 'r')); // local seqs 1..N, one per doc

  // Run 1: cancel right after the K-th checkpoint has been written (target, then source).
  const K = 5;
  const rep1 = local.replicate.to(run('1'), { batch_size: BATCH });
  let checkpoints = 0;
  rep1.on('checkpoint', (c) => {
    if (c.checkpoint !== undefined && ++checkpoints === K) {
      rep1.cancel();
    }
  });
  const first = await rep1;
  const written1 = first.docs_written;
  assert.equal(first.status, 'cancelled');
  assert.ok(written1 >= K && written1 <= K * BATCH && written1 < N, `run 1 wrote ${written1}`);
  assert.equal(bulkDocsSent(ofRun(proxy.log, '1')), written1);
  assert.equal((await getJson(remote.url)).doc_count, written1);

  // The checkpoint exists on the remote, readable over HTTP, at the last completed batch.
  const ids = checkpointIds(proxy.log);
  assert.equal(ids.length, 1, `one replication id, got ${JSON.stringify(ids)}`);
  const checkpoint = await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`);
  assert.equal(checkpoint._id, `_local/${ids[0]}`);
  assert.equal(checkpoint.last_seq, written1);
  assert.equal(checkpoint.history[0].last_seq, written1);
  assert.equal(checkpoint.session_id, checkpoint.history[0].session_id);
  assert.equal((await local.get(`_local/${ids[0]}`)).last_seq, checkpoint.last_seq);

  // Run 2: a fresh replication reads the checkpoint and transfers only the remaining docs.
  const second = await local.replicate.to(run('2'), { batch_size: BATCH });
  const log2 = ofRun(proxy.log, '2');
  t.diagnostic(`run 1 wrote ${written1}, run 2 read ${second.docs_read} / wrote ${second.docs_written} of ${N}`);
  assert.equal(second.status, 'complete');
  assert.ok(log2.some((e) => e.method === 'GET' && e.path.endsWith(`/_local/${encodeURIComponent(ids[0])}`) && e.status === 200), 'run 2 read the remote checkpoint');
  assert.equal(second.docs_read, N - written1);
  assert.equal(second.docs_written, N - written1);
  assert.equal(bulkDocsSent(log2), N - written1);

  assert.equal((await getJson(remote.url)).doc_count, N);
  assert.equal((await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`)).last_seq, N);
});

test('resume: a pull cut off by a dropped connection resumes from the remote checkpoint', async (t) => {
  const { local, remote, proxy, run } = await setup(t, 'resume-pull');
  const docs = makeDocs(N, 'u');
  for (let i = 0; i < N; i += 500) {
    await bulkDocs(remote.url, docs.slice(i, i + 500));
  }

  // Run 1: the network dies on the 8th document fetch (connection dropped, no response).
  let fetches = 0;
  proxy.cut = (e) => e.run === '1' && e.path.endsWith('/_bulk_get') && ++fetches >= 8;
  await assert.rejects(local.replicate.from(run('1'), { batch_size: BATCH }));
  assert.ok(proxy.log.some((e) => e.cut), 'the connection was cut');

  const pulled1 = (await local.info()).doc_count;
  assert.ok(pulled1 >= 7 && pulled1 < N, `run 1 pulled ${pulled1}`);

  // The source-side checkpoint lives on the remote.
  const ids = checkpointIds(ofRun(proxy.log, '1'));
  assert.equal(ids.length, 1, `one replication id, got ${JSON.stringify(ids)}`);
  const checkpoint = await getJson(`${remote.url}/_local/${encodeURIComponent(ids[0])}`);
  assert.ok(checkpoint.last_seq !== undefined && checkpoint.last_seq !== 0 && checkpoint.last_seq !== '0', 'remote checkpoint has a last_seq');
  assert.equal((await local.get(`_local/${ids[0]}`)).last_seq, checkpoint.last_seq);

  // What a resume must read: the server's changes after the checkpoint.
  const rest = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(checkpoint.last_seq)}`);
  assert.ok(rest.results.length > 0 && rest.results.length <= N - pulled1 + BATCH, `${rest.results.length} changes after the checkpoint`);

  // Run 2 starts _changes at the checkpoint, not at 0, and reads only the remaining changes.
  const second = await local.replicate.from(run('2'), { batch_size: BATCH });
  const log2 = ofRun(proxy.log, '2');
  t.diagnostic(`run 1 pulled ${pulled1}, run 2 read ${second.docs_read} / wrote ${second.docs_written} of ${N}`);
  const firstChanges = log2.find((e) => e.path.endsWith('/_changes'));
  assert.equal(String(firstChanges.query.since), String(checkpoint.last_seq));
  assert.equal(second.docs_read, rest.results.length);
  assert.equal(second.docs_written, N - pulled1);
  assert.ok(second.docs_read < N);
  assert.equal((await local.info()).doc_count, N);
});
