// 11. database info after a push is consistent, and _changes?since=<last_seq> returns only newer changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropRemote, getJson, http, localDb, makeDocs, remoteDb } from '../lib/tessera.mjs';

const N = 250;

test('db info and _changes: update_seq, doc_count and since=last_seq agree after a push', async (t) => {
  const local = localDb('info');
  const remote = await remoteDb('info');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const empty = await getJson(remote.url);
  assert.equal(empty.doc_count, 0);
  assert.equal(empty.db_name, remote.name);

  await local.bulkDocs(makeDocs(N, 'i'));
  const pushed = await local.replicate.to(remote.url);
  assert.equal(pushed.docs_written, N);

  const info = await getJson(remote.url);
  assert.equal(info.db_name, remote.name);
  assert.equal(info.doc_count, N);
  assert.equal(info.doc_del_count, 0);
  assert.notDeepEqual(info.update_seq, empty.update_seq);

  // The full feed lists every doc once and ends at the database's update_seq.
  const all = await getJson(`${remote.url}/_changes`);
  assert.equal(all.results.length, N);
  assert.equal(new Set(all.results.map((c) => c.id)).size, N);
  assert.deepEqual(String(all.last_seq), String(info.update_seq));
  assert.equal(all.results.at(-1).seq, all.last_seq);
  assert.ok(all.results.every((c) => c.changes.length === 1 && c.changes[0].rev.startsWith('1-')));

  // Nothing newer than last_seq yet.
  const none = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(all.last_seq)}`);
  assert.deepEqual(none.results, []);
  assert.equal(String(none.last_seq), String(all.last_seq));

  // Three more writes over HTTP: a new doc, an update, a deletion.
  const created = await http('PUT', `${remote.url}/i-new`, { fresh: true });
  const old = await getJson(`${remote.url}/i-010`);
  const updated = await http('PUT', `${remote.url}/i-010`, { ...old, touched: true });
  const victim = await getJson(`${remote.url}/i-020`);
  const deleted = await http('DELETE', `${remote.url}/i-020?rev=${victim._rev}`);
  assert.deepEqual([created.status, updated.status, deleted.status], [201, 201, 200]);

  const newer = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(all.last_seq)}`);
  assert.deepEqual(
    newer.results.map((c) => [c.id, c.changes[0].rev, c.deleted === true]),
    [
      ['i-new', created.body.rev, false],
      ['i-010', updated.body.rev, false],
      ['i-020', deleted.body.rev, true],
    ],
  );

  const after = await getJson(remote.url);
  assert.equal(after.doc_count, N); // +1 new, -1 deleted
  assert.equal(after.doc_del_count, 1);
  assert.equal(String(after.update_seq), String(newer.last_seq));
  assert.notEqual(String(after.update_seq), String(info.update_seq));

  // since = a seq in the middle returns exactly what followed it; limit pages consistently.
  const mid = newer.results[0].seq;
  const tail = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(mid)}`);
  assert.deepEqual(tail.results.map((c) => c.id), ['i-010', 'i-020']);
  const page = await getJson(`${remote.url}/_changes?since=${encodeURIComponent(all.last_seq)}&limit=1`);
  assert.deepEqual(page.results.map((c) => c.id), ['i-new']);
  assert.equal(String(page.last_seq), String(mid));

  // The full feed now has N + 1 rows (the updated doc moved to the end; one row per doc).
  const full = await getJson(`${remote.url}/_changes`);
  assert.equal(full.results.length, N + 1);
  assert.deepEqual(full.results.slice(-3).map((c) => c.id), ['i-new', 'i-010', 'i-020']);

  // A pull of those changes brings the local db to the same state and counts.
  await local.replicate.from(remote.url);
  const localInfo = await local.info();
  assert.equal(localInfo.doc_count, after.doc_count);
  assert.equal((await local.get('i-010')).touched, true);
});
