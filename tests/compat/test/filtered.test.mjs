// 8. filtered replication by doc_ids; 9. filtered replication by Mango selector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { body, bulkDocs, dropRemote, http, localDb, makeDocs, remoteDb } from '../lib/tessera.mjs';

const typed = (i) => ({ type: ['a', 'b', 'c'][i % 3], rank: i });

// Probe once whether the server implements `_changes?filter=_selector`; until it does, the
// selector test is reported as TODO (it still runs, and its failure does not fail the suite).
const selectorTodo = await (async () => {
  const probe = await remoteDb('probe');
  try {
    const res = await http('POST', `${probe.url}/_changes?filter=_selector`, { selector: { type: 'a' } });
    return res.status === 400 ? 'server lacks filter=_selector' : undefined;
  } finally {
    await http('DELETE', probe.url);
  }
})();

test('filtered: replicate.from with doc_ids gets exactly those docs', async (t) => {
  const local = localDb('ids');
  const remote = await remoteDb('ids');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const docs = makeDocs(60, 'f', typed);
  const rows = await bulkDocs(remote.url, docs);
  const revs = new Map(rows.map((r) => [r.id, r.rev]));

  const wanted = ['f-07', 'f-33', 'f-59', 'f-00'];
  const result = await local.replicate.from(remote.url, { doc_ids: [...wanted, 'does-not-exist'] });
  assert.equal(result.ok, true);
  assert.equal(result.docs_written, wanted.length);

  const all = await local.allDocs({ include_docs: true });
  assert.deepEqual(all.rows.map((r) => r.id), [...wanted].sort());
  for (const r of all.rows) {
    assert.equal(r.value.rev, revs.get(r.id));
    assert.deepEqual(body(r.doc), docs.find((d) => d._id === r.id));
  }

  // A later change to a listed doc and to an unlisted one: only the listed one comes across.
  await bulkDocs(remote.url, [
    { ...docs[7], _rev: revs.get('f-07'), changed: true },
    { ...docs[8], _rev: revs.get('f-08'), changed: true },
  ]);
  const again = await local.replicate.from(remote.url, { doc_ids: wanted });
  assert.equal(again.docs_written, 1);
  assert.equal((await local.get('f-07')).changed, true);
  assert.equal((await local.allDocs()).total_rows, wanted.length);
});

test('filtered: replicate.from with a selector gets exactly the matching docs', { todo: selectorTodo }, async (t) => {
  const local = localDb('sel');
  const remote = await remoteDb('sel');
  t.after(() => Promise.all([local.destroy(), dropRemote(remote)]));

  const docs = makeDocs(90, 's', typed);
  await bulkDocs(remote.url, docs);
  const expected = docs.filter((d) => d.type === 'a');
  assert.equal(expected.length, 30);

  const result = await local.replicate.from(remote.url, { selector: { type: 'a' } });
  assert.equal(result.ok, true);
  assert.equal(result.docs_written, expected.length);

  const all = await local.allDocs({ include_docs: true });
  assert.deepEqual(all.rows.map((r) => r.id), expected.map((d) => d._id));
  assert.ok(all.rows.every((r) => r.doc.type === 'a'));

  // A compound selector with an operator.
  const local2 = localDb('sel2');
  t.after(() => local2.destroy());
  await local2.replicate.from(remote.url, { selector: { type: 'b', rank: { $gte: 60 } } });
  const all2 = await local2.allDocs();
  assert.deepEqual(
    all2.rows.map((r) => r.id),
    docs.filter((d) => d.type === 'b' && d.rank >= 60).map((d) => d._id),
  );
});
