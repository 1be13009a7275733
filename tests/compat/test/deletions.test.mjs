// 6. deletions replicate in both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bulkDocs, dropRemote, getJson, http, localDb, makeDocs, remoteDb } from '../lib/tessera.mjs';

test('deletions: a local delete is pushed (404 deleted remotely), a remote delete is pulled (gone locally)', async (t) => {
  const local = localDb('del');
  const other = localDb('del-other');
  const remote = await remoteDb('del');
  t.after(() => Promise.all([local.destroy(), other.destroy(), dropRemote(remote)]));

  await local.bulkDocs(makeDocs(10, 'd'));
  await local.replicate.to(remote.url);
  await other.replicate.from(remote.url);
  assert.equal((await other.allDocs()).total_rows, 10);

  // Local delete -> push.
  const doc = await local.get('d-03');
  const removed = await local.remove(doc);
  assert.ok(removed.rev.startsWith('2-'));
  const pushed = await local.replicate.to(remote.url);
  assert.equal(pushed.docs_written, 1);

  const gone = await http('GET', `${remote.url}/d-03`);
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.body, { error: 'not_found', reason: 'deleted' });
  const tomb = await getJson(`${remote.url}/d-03?rev=${removed.rev}`);
  assert.equal(tomb._deleted, true);
  assert.equal(tomb._rev, removed.rev);

  // Remote delete over HTTP -> pull.
  const d7 = await getJson(`${remote.url}/d-07`);
  const del = await http('DELETE', `${remote.url}/d-07?rev=${d7._rev}`);
  assert.equal(del.status, 200);
  assert.equal(del.body.ok, true);

  const info = await getJson(remote.url);
  assert.equal(info.doc_count, 8);
  assert.equal(info.doc_del_count, 2);

  const changes = await getJson(`${remote.url}/_changes`);
  const deletedIds = changes.results.filter((c) => c.deleted).map((c) => c.id).sort();
  assert.deepEqual(deletedIds, ['d-03', 'd-07']);

  const pulled = await local.replicate.from(remote.url);
  assert.equal(pulled.docs_written, 1);
  await other.replicate.from(remote.url);

  for (const db of [local, other]) {
    await assert.rejects(db.get('d-07'), (err) => err.status === 404 && err.reason === 'deleted');
    await assert.rejects(db.get('d-03'), (err) => err.status === 404 && err.reason === 'deleted');
    const all = await db.allDocs();
    assert.equal(all.total_rows, 8);
    assert.deepEqual(all.rows.map((r) => r.id).filter((id) => id === 'd-03' || id === 'd-07'), []);
    const opened = await db.get('d-07', { revs: true, open_revs: 'all' });
    assert.equal(opened[0].ok._rev, del.body.rev);
    assert.equal(opened[0].ok._deleted, true);
  }

  const remoteAll = await getJson(`${remote.url}/_all_docs`);
  assert.equal(remoteAll.total_rows, 8);
  assert.equal(remoteAll.rows.length, 8);
});

test('deletions: _bulk_docs with _deleted:true replicates as a deletion', async (t) => {
  const local = localDb('del-bulk');
  const remote = await remoteDb('del-bulk');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const rows = await bulkDocs(remote.url, makeDocs(5, 'k'));
  await local.replicate.from(remote.url);
  assert.equal((await local.allDocs()).total_rows, 5);

  const res = await http('POST', `${remote.url}/_bulk_docs`, {
    docs: rows.slice(0, 2).map((r) => ({ _id: r.id, _rev: r.rev, _deleted: true })),
  });
  assert.equal(res.status, 201);
  assert.ok(res.body.every((r) => r.ok && r.rev.startsWith('2-')));

  const pulled = await local.replicate.from(remote.url);
  assert.equal(pulled.docs_written, 2);
  assert.deepEqual((await local.allDocs()).rows.map((r) => r.id), ['k-2', 'k-3', 'k-4']);
  for (const id of ['k-0', 'k-1']) {
    const r = await http('GET', `${remote.url}/${id}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.reason, 'deleted');
  }
});
