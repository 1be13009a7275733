// Credentials in replication URLs: an API key id and secret as userinfo (HTTP Basic) is how PouchDB and CouchDB
// replicate with a Tessera database. A wrong secret or no credentials replicate nothing; a read-only key pulls but
// cannot push.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiKey, bulkDocs, dropRemote, http, localDb, makeDocs, remoteDb, serverUrl, tenant } from '../lib/tessera.mjs';

async function createKey(scopes) {
  const res = await http('POST', `${serverUrl}/api/v1/tenants/${tenant}/keys`, { name: 'compat', scopes });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

function urlWith(url, id, secret) {
  const u = new URL(url);
  u.username = encodeURIComponent(id);
  u.password = encodeURIComponent(secret);
  return u.toString();
}

test('auth: a wrong secret or no credentials replicate nothing, both ways', async () => {
  const remote = await remoteDb('auth-wrong');
  await bulkDocs(remote.url, makeDocs(5));
  const local = localDb();
  await local.bulkDocs(makeDocs(3, 'local'));
  try {
    const wrong = urlWith(remote.url, apiKey, 'not-the-secret');
    const pull = await local.replicate.from(wrong).then(() => null, (err) => err);
    assert.equal(pull?.status, 401, `pull with a wrong secret: ${JSON.stringify(pull)}`);
    const anonymous = new URL(remote.url);
    anonymous.username = '';
    anonymous.password = '';
    const push = await local.replicate.to(anonymous.toString()).then(() => null, (err) => err);
    assert.equal(push?.status, 401, `push without credentials: ${JSON.stringify(push)}`);

    assert.equal((await local.allDocs()).total_rows, 3, 'nothing pulled');
    const info = await http('GET', remote.url);
    assert.equal(info.body.doc_count, 5, 'nothing pushed');
  } finally {
    await dropRemote(remote);
  }
});

test('auth: a read-only key pulls the database but its push is refused', async () => {
  const remote = await remoteDb('auth-reader');
  await bulkDocs(remote.url, makeDocs(20));
  const reader = await createKey([`data:read:${remote.name}`]);
  const readerUrl = urlWith(remote.url, reader.id, reader.secret);
  const local = localDb();
  try {
    const pulled = await local.replicate.from(readerUrl);
    assert.equal(pulled.docs_written, 20);

    await local.put({ _id: 'from-reader', n: 1 });
    const push = await local.replicate.to(readerUrl).then((r) => r, (err) => err);
    const refused = push.status === 403 || (push.doc_write_failures ?? 0) > 0 || push.ok === false;
    assert.ok(refused, `push with a read-only key must fail: ${JSON.stringify(push)}`);
    const missing = await http('GET', `${remote.url}/from-reader`);
    assert.equal(missing.status, 404, 'the document was not stored');
  } finally {
    await dropRemote(remote);
  }
});
