// 7. binary attachments round-trip byte-exact in both directions, with content_type and digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { dropRemote, getJson, http, localDb, remoteDb } from '../lib/tessera.mjs';

/** Random bytes that certainly contain 0x00, 0xFF and every other byte value. */
function binary(size) {
  const buf = randomBytes(size);
  for (let i = 0; i < 256 && i < size; i++) {
    buf[i] = i; // 0x00 .. 0xFF at the start
  }
  buf[size - 1] = 0x00;
  buf[size - 2] = 0xff;
  return buf;
}

const md5 = (buf) => `md5-${createHash('md5').update(buf).digest('base64')}`;

const FILES = {
  'small.bin': { data: binary(3 * 1024 + 7), type: 'application/octet-stream' },
  'image.png': { data: binary(1024 * 1024 + 13), type: 'image/png' },
  'note.txt': { data: Buffer.from('héllo\u0000wörld\n', 'utf8'), type: 'text/plain' },
};

test('attachments: pushed from PouchDB, read raw over HTTP, pulled into a fresh db', async (t) => {
  const local = localDb('att');
  const fresh = localDb('att-fresh');
  const remote = await remoteDb('att');
  t.after(() => Promise.all([local.destroy(), fresh.destroy(), dropRemote(remote)]));

  const _attachments = Object.fromEntries(
    Object.entries(FILES).map(([name, f]) => [name, { content_type: f.type, data: f.data }]),
  );
  const put = await local.put({ _id: 'with-files', title: 'binary', _attachments });

  const pushed = await local.replicate.to(remote.url);
  assert.equal(pushed.docs_written, 1);
  assert.equal(pushed.doc_write_failures, 0);

  const stubDoc = await getJson(`${remote.url}/with-files`);
  assert.equal(stubDoc._rev, put.rev);
  assert.deepEqual(Object.keys(stubDoc._attachments).sort(), Object.keys(FILES).sort());

  const localDoc = await local.get('with-files');
  for (const [name, f] of Object.entries(FILES)) {
    const stub = stubDoc._attachments[name];
    assert.equal(stub.stub, true, `${name} stub`);
    assert.equal(stub.content_type, f.type, `${name} content_type`);
    assert.equal(stub.length, f.data.length, `${name} length`);
    assert.equal(stub.digest, md5(f.data), `${name} digest`);
    assert.equal(localDoc._attachments[name].digest, stub.digest, `${name} digest local == remote`);

    const raw = await http('GET', `${remote.url}/with-files/${name}`, undefined, { accept: '*/*' });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type').split(';')[0], f.type);
    assert.ok(Buffer.isBuffer(raw.body));
    assert.equal(raw.body.length, f.data.length, `${name} bytes length`);
    assert.ok(raw.body.equals(f.data), `${name} bytes equal`);
  }

  // Pull into an empty local db: bytes, types and digests survive.
  const pulled = await fresh.replicate.from(remote.url);
  assert.equal(pulled.docs_written, 1);
  const freshDoc = await fresh.get('with-files');
  assert.equal(freshDoc._rev, put.rev);
  for (const [name, f] of Object.entries(FILES)) {
    const att = await fresh.getAttachment('with-files', name);
    assert.ok(Buffer.from(att).equals(f.data), `${name} pulled bytes equal`);
    assert.equal(freshDoc._attachments[name].content_type, f.type);
    assert.equal(freshDoc._attachments[name].digest, md5(f.data));
    assert.equal(freshDoc._attachments[name].length, f.data.length);
  }

  // Editing only the body (attachments kept as stubs) and pushing again keeps the files intact.
  const edited = await local.put({ ...localDoc, title: 'edited' });
  const again = await local.replicate.to(remote.url);
  assert.equal(again.docs_written, 1);
  const after = await getJson(`${remote.url}/with-files`);
  assert.equal(after._rev, edited.rev);
  assert.equal(after.title, 'edited');
  for (const [name, f] of Object.entries(FILES)) {
    assert.equal(after._attachments[name].digest, md5(f.data), `${name} digest after body edit`);
    const raw = await http('GET', `${remote.url}/with-files/${name}`, undefined, { accept: '*/*' });
    assert.ok(raw.body.equals(f.data), `${name} bytes after body edit`);
  }
});

test('attachments: written over HTTP (raw PUT and inline base64) and pulled byte-exact', async (t) => {
  const local = localDb('att-pull');
  const remote = await remoteDb('att-pull');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const big = FILES['image.png'];
  const created = await http('PUT', `${remote.url}/raw/blob.png`, big.data, { 'content-type': big.type });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const small = FILES['small.bin'];
  const inline = await http('PUT', `${remote.url}/inline`, {
    kind: 'inline',
    _attachments: { 'small.bin': { content_type: small.type, data: small.data.toString('base64') } },
  });
  assert.equal(inline.status, 201, JSON.stringify(inline.body));

  // A second attachment added to the raw doc, so the doc is at 2-x with two files.
  const txt = FILES['note.txt'];
  const second = await http('PUT', `${remote.url}/raw/note.txt?rev=${created.body.rev}`, txt.data, { 'content-type': txt.type });
  assert.equal(second.status, 201, JSON.stringify(second.body));

  const pulled = await local.replicate.from(remote.url);
  assert.equal(pulled.docs_written, 2);

  const rawDoc = await local.get('raw');
  assert.equal(rawDoc._rev, second.body.rev);
  for (const [docId, name, f] of [['raw', 'blob.png', big], ['raw', 'note.txt', txt], ['inline', 'small.bin', small]]) {
    const att = await local.getAttachment(docId, name);
    assert.equal(att.length, f.data.length, `${docId}/${name} length`);
    assert.ok(Buffer.from(att).equals(f.data), `${docId}/${name} bytes equal`);
    const doc = await local.get(docId);
    assert.equal(doc._attachments[name].content_type, f.type);
    assert.equal(doc._attachments[name].digest, md5(f.data));
    const remoteDoc = await getJson(`${remote.url}/${docId}`);
    assert.equal(remoteDoc._attachments[name].digest, md5(f.data), `${docId}/${name} remote digest`);
  }

  // Inline attachments=true on the remote gives the same bytes as base64.
  const withData = await getJson(`${remote.url}/inline?attachments=true`);
  assert.ok(Buffer.from(withData._attachments['small.bin'].data, 'base64').equals(small.data));
});
