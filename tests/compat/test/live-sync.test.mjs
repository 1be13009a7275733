// 3. live two-way sync: a write on either side appears on the other; then cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropRemote, getJson, http, localDb, remoteDb, waitFor } from '../lib/tessera.mjs';

test('live sync: writes on either side appear on the other, then cancel completes', async (t) => {
  const local = localDb('live');
  const remote = await remoteDb('live');
  const errors = [];
  let sync;
  t.after(async () => {
    sync?.cancel();
    await Promise.all([local.destroy(), dropRemote(remote)]);
  });

  sync = local.sync(remote.url, { live: true, retry: true });
  sync.on('error', (err) => errors.push(err));
  sync.on('denied', (err) => errors.push(err));
  const completed = new Promise((resolve) => sync.on('complete', resolve));

  // Wait until the first round (both directions) has caught up and gone idle.
  await new Promise((resolve) => sync.once('paused', resolve));

  // local -> remote
  const put = await local.put({ _id: 'from-local', side: 'local', n: 1 });
  const seenRemote = await waitFor('from-local on the remote', async () => {
    const res = await http('GET', `${remote.url}/from-local`);
    return res.status === 200 ? res.body : null;
  });
  assert.equal(seenRemote._rev, put.rev);
  assert.equal(seenRemote.side, 'local');

  // remote -> local (written over HTTP, as another client would)
  const created = await http('PUT', `${remote.url}/from-remote`, { side: 'remote', n: 2 });
  assert.equal(created.status, 201);
  const seenLocal = await waitFor('from-remote locally', () => local.get('from-remote').catch(() => null));
  assert.equal(seenLocal._rev, created.body.rev);
  assert.equal(seenLocal.side, 'remote');

  // An update made remotely to the doc that came from local flows back, and vice versa.
  const upd = await http('PUT', `${remote.url}/from-local`, { ...seenRemote, n: 10 });
  assert.equal(upd.status, 201);
  const updatedLocal = await waitFor('remote update of from-local locally', async () => {
    const d = await local.get('from-local');
    return d._rev === upd.body.rev ? d : null;
  });
  assert.equal(updatedLocal.n, 10);

  const upd2 = await local.put({ ...seenLocal, n: 20 });
  const updatedRemote = await waitFor('local update of from-remote on the remote', async () => {
    const d = await getJson(`${remote.url}/from-remote`);
    return d._rev === upd2.rev ? d : null;
  });
  assert.equal(updatedRemote.n, 20);

  sync.cancel();
  const info = await completed;
  assert.equal(info.push.status, 'cancelled');
  assert.equal(info.pull.status, 'cancelled');
  assert.ok(info.push.docs_written >= 2, `push docs_written=${info.push.docs_written}`);
  assert.ok(info.pull.docs_written >= 2, `pull docs_written=${info.pull.docs_written}`);
  assert.deepEqual(errors, []);

  // Both sides hold exactly the two docs, at the same revs.
  const localAll = await local.allDocs();
  const remoteAll = await getJson(`${remote.url}/_all_docs`);
  assert.deepEqual(
    remoteAll.rows.map((r) => [r.id, r.value.rev]),
    localAll.rows.map((r) => [r.id, r.value.rev]),
  );
  assert.equal(remoteAll.rows.length, 2);
});
