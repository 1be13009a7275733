// 1. push: local docs -> remote; 2. pull: remote docs written over HTTP -> local.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { body, bulkDocs, dropRemote, getJson, http, localDb, makeDocs, remoteDb } from '../lib/tessera.mjs';

test('push: 1,000 local docs arrive on the remote with the same revs and bodies', async (t) => {
  const local = localDb('push');
  const remote = await remoteDb('push');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const docs = makeDocs(1000, 'p');
  const written = await local.bulkDocs(docs);
  assert.equal(written.filter((r) => r.ok).length, 1000);

  const result = await local.replicate.to(remote.url);
  assert.equal(result.ok, true);
  assert.equal(result.status, 'complete');
  assert.equal(result.docs_read, 1000);
  assert.equal(result.docs_written, 1000);
  assert.equal(result.doc_write_failures, 0);

  const all = await getJson(`${remote.url}/_all_docs`);
  assert.equal(all.total_rows, 1000);
  assert.equal(all.rows.length, 1000);

  // Every id and winning rev matches the local database.
  const localAll = await local.allDocs();
  assert.deepEqual(
    all.rows.map((r) => [r.id, r.value.rev]),
    localAll.rows.map((r) => [r.id, r.value.rev]),
  );

  // A few bodies, fetched one by one over HTTP, are identical to what was written.
  for (const i of [0, 1, 499, 998, 999]) {
    const id = docs[i]._id;
    const remoteDoc = await getJson(`${remote.url}/${id}`);
    const localDoc = await local.get(id);
    assert.equal(remoteDoc._rev, localDoc._rev, `rev of ${id}`);
    assert.deepEqual(body(remoteDoc), docs[i], `body of ${id}`);
  }

  const info = await getJson(remote.url);
  assert.equal(info.doc_count, 1000);
  assert.equal(info.doc_del_count, 0);
});

test('pull: docs written with _bulk_docs over HTTP arrive locally, equal', async (t) => {
  const local = localDb('pull');
  const remote = await remoteDb('pull');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const docs = makeDocs(600, 'q', (i) => ({ unicode: `ünïcødé ✓ ${i}`, big: i * 1e12, nil: null }));
  const rows = await bulkDocs(remote.url, docs);
  const revs = new Map(rows.map((r) => [r.id, r.rev]));
  // A second revision for some docs, so the pulled winners are not all 1-x.
  const updated = docs.slice(0, 50).map((d) => ({ ...d, _rev: revs.get(d._id), edited: true }));
  for (const r of await bulkDocs(remote.url, updated)) {
    revs.set(r.id, r.rev);
  }

  const result = await local.replicate.from(remote.url);
  assert.equal(result.ok, true);
  assert.equal(result.docs_written, 600);
  assert.equal(result.doc_write_failures, 0);

  const localAll = await local.allDocs({ include_docs: true });
  assert.equal(localAll.total_rows, 600);
  assert.deepEqual(
    new Map(localAll.rows.map((r) => [r.id, r.value.rev])),
    revs,
  );
  const byId = new Map(localAll.rows.map((r) => [r.id, r.doc]));
  for (const [i, d] of docs.entries()) {
    const expected = i < 50 ? { ...d, edited: true } : d;
    assert.deepEqual(body(byId.get(d._id)), expected, `body of ${d._id}`);
  }
  assert.ok(revs.get(docs[0]._id).startsWith('2-'));
});

test('a doc edited 60 times keeps the same _revisions history on both sides, and edits flow back', async (t) => {
  const local = localDb('hist');
  const remote = await remoteDb('hist');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  let rev = (await local.put({ _id: 'h', n: 0 })).rev;
  for (let i = 1; i < 60; i++) {
    rev = (await local.put({ _id: 'h', _rev: rev, n: i })).rev;
  }
  await local.replicate.to(remote.url);

  const mine = await local.get('h', { revs: true });
  const theirs = await getJson(`${remote.url}/h?revs=true`);
  assert.equal(theirs._rev, rev);
  assert.equal(theirs.n, 59);
  assert.deepEqual(theirs._revisions, mine._revisions);
  assert.equal(theirs._revisions.ids.length, 60);

  // An edit made on the server extends the same branch when pulled (no conflict).
  const { _revisions: _, ...current } = theirs;
  const res = await http('PUT', `${remote.url}/h`, { ...current, n: 100 });
  assert.equal(res.status, 201);
  const serverRev = res.body.rev;
  assert.ok(serverRev.startsWith('61-'));
  await local.replicate.from(remote.url);
  const after = await local.get('h', { conflicts: true });
  assert.equal(after._rev, serverRev);
  assert.equal(after.n, 100);
  assert.equal(after._conflicts, undefined);
});
