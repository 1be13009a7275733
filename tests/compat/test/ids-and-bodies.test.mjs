// Extra push/pull coverage: ids that need URL encoding, design docs, and unusual JSON bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { body, dropRemote, getJson, http, localDb, remoteDb } from '../lib/tessera.mjs';

const ODD_IDS = [
  'with space',
  'slash/inside',
  'percent%20literal',
  'plus+sign',
  'question?mark',
  'hash#tag',
  'ünïcødé-✓-日本',
  'emoji-😀',
  'quote"and\'apostrophe',
  'amp&eq=',
  '_design/app',
];

test('ids needing URL encoding and design docs round-trip push and pull', async (t) => {
  const local = localDb('ids-odd');
  const back = localDb('ids-odd-back');
  const remote = await remoteDb('ids-odd');
  t.after(() => Promise.all([local.destroy(), back.destroy(), dropRemote(remote)]));

  const docs = ODD_IDS.map((id, i) => ({ _id: id, i }));
  const res = await local.bulkDocs(docs);
  assert.ok(res.every((r) => r.ok), JSON.stringify(res));

  const pushed = await local.replicate.to(remote.url);
  assert.equal(pushed.docs_written, ODD_IDS.length);
  assert.equal(pushed.doc_write_failures, 0);

  const all = await getJson(`${remote.url}/_all_docs`);
  assert.deepEqual(all.rows.map((r) => r.id).sort(), [...ODD_IDS].sort());

  const pulled = await back.replicate.from(remote.url);
  assert.equal(pulled.docs_written, ODD_IDS.length);
  for (const d of docs) {
    assert.deepEqual(body(await back.get(d._id)), d);
  }

  // Each doc is reachable at its percent-encoded URL (collect every miss for a useful message).
  const misses = [];
  for (const id of ODD_IDS) {
    const path = id.startsWith('_design/') ? `_design/${encodeURIComponent(id.slice(8))}` : encodeURIComponent(id);
    const r = await http('GET', `${remote.url}/${path}`);
    if (r.status !== 200 || r.body._id !== id) {
      misses.push(`GET /${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  assert.deepEqual(misses, []);
});

test('a "%xx" sequence in a doc id survives a direct PouchDB PUT/GET on the server', async (t) => {
  const remote = await remoteDb('pct');
  t.after(() => dropRemote(remote));

  // PouchDB's http adapter sends PUT /db/a%2520b; the server must store id "a%20b".
  const put = await remote.pouch.put({ _id: 'a%20b', direct: true });
  assert.equal(put.id, 'a%20b');
  const ids = (await getJson(`${remote.url}/_all_docs`)).rows.map((r) => r.id);
  assert.deepEqual(ids, ['a%20b']);
  assert.equal((await remote.pouch.get('a%20b')).direct, true);
});

test('a doc whose id and attachment name contain "%xx" pulls with its attachment', async (t) => {
  const local = localDb('pct-att');
  const back = localDb('pct-att-back');
  const remote = await remoteDb('pct-att');
  t.after(() => Promise.all([local.destroy(), back.destroy(), dropRemote(remote)]));

  await local.put({
    _id: 'p%41q',
    _attachments: { 'f%20g.txt': { content_type: 'text/plain', data: Buffer.from('hello %41') } },
  });
  const pushed = await local.replicate.to(remote.url);
  assert.equal(pushed.docs_written, 1);
  assert.deepEqual((await getJson(`${remote.url}/_all_docs`)).rows.map((r) => r.id), ['p%41q']);

  // PouchDB pulls docs with _bulk_get, then fetches each attachment at /db/{id}/{name}
  // with both parts percent-encoded: GET /db/p%2541q/f%2520g.txt.
  const attUrl = `${remote.url}/${encodeURIComponent('p%41q')}/${encodeURIComponent('f%20g.txt')}`;
  const raw = await http('GET', attUrl, undefined, { accept: '*/*' });
  assert.equal(raw.status, 200, `GET ${attUrl.slice(remote.url.length)} -> ${raw.status} ${Buffer.isBuffer(raw.body) ? raw.body : JSON.stringify(raw.body)}`);
  assert.equal(raw.body.toString('utf8'), 'hello %41');

  const pulled = await back.replicate.from(remote.url).catch((err) => ({ aborted: err.message, ...err.result }));
  assert.equal(pulled.aborted, undefined, 'pull aborted');
  assert.equal(pulled.docs_written, 1);
  const att = await back.getAttachment('p%41q', 'f%20g.txt');
  assert.equal(Buffer.from(att).toString('utf8'), 'hello %41');
});

test('unusual JSON bodies survive push and pull unchanged', async (t) => {
  const local = localDb('bodies');
  const back = localDb('bodies-back');
  const remote = await remoteDb('bodies');
  t.after(() => Promise.all([local.destroy(), back.destroy(), dropRemote(remote)]));

  const docs = [
    { _id: 'numbers', int: 9007199254740991, neg: -0.5, exp: 1.5e300, tiny: 5e-324, zero: 0 },
    { _id: 'strings', empty: '', ctrl: '\u0001\u001f\t\n\r"\\/', surrogate: '\ud83d\ude00', bom: '\ufeff', ls: '\u2028\u2029' },
    { _id: 'nesting', deep: JSON.parse('['.repeat(60) + '1' + ']'.repeat(60)), arr: [null, true, false, {}, []] },
    { _id: 'keys', '': 'empty key', 'dotted.key': 1, 'ünï': 2, nested: { _underscore: 'inside is fine' } },
    { _id: 'big', blob: 'x'.repeat(2 * 1024 * 1024) },
  ];
  await local.bulkDocs(docs);
  await local.replicate.to(remote.url);
  for (const d of docs) {
    assert.deepEqual(body(await getJson(`${remote.url}/${d._id}`)), d, `remote ${d._id}`);
  }
  await back.replicate.from(remote.url);
  for (const d of docs) {
    assert.deepEqual(body(await back.get(d._id)), d, `pulled ${d._id}`);
  }
});

test('a doc with U+0000 in a string is refused on its own and never blocks the docs pushed with it', async (t) => {
  const local = localDb('nul');
  const remote = await remoteDb('nul');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  // "\u0000" is valid JSON and CouchDB stores it; Tessera refuses it (PostgreSQL's jsonb cannot hold it) with a
  // per-document "forbidden" row, which PouchDB records as a denied doc, so the rest of the batch still replicates.
  const docs = [
    { _id: 'before', ok: true },
    { _id: 'nul', s: 'a\u0000b', [`k\u0000`]: 1 },
    { _id: 'after', ok: true },
  ];
  await local.bulkDocs(docs);
  const pushed = await local.replicate.to(remote.url).catch((err) => err.result ?? err);
  const ids = (await getJson(`${remote.url}/_all_docs`)).rows.map((r) => r.id);
  assert.deepEqual(ids.filter((id) => id !== 'nul'), ['after', 'before'], `good docs on the remote (replication: ${pushed.status})`);
  assert.equal(pushed.status, 'complete');
  assert.equal(pushed.doc_write_failures, 1);
  const missing = await http('GET', `${remote.url}/nul`);
  assert.equal(missing.status, 404);
});
