// PouchDB (from tests/compat/node_modules) syncing both ways with a Tessera database through the gateway.
//   node pouch-sync.cjs <tests/compat folder> <database URL with key:secret userinfo> <docs per side>
// The remote must hold `<docs per side>` documents named remote-*; this script writes as many local-* documents into
// a fresh in-memory PouchDB, runs one two-way sync, and checks both sides then hold both sets with the same revisions.
// Prints one JSON line; exit code 0 = every check passed.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const [compat, url, perSideText] = process.argv.slice(2);
const perSide = Number(perSideText);
const requireCompat = createRequire(path.join(path.resolve(compat), 'package.json'));
const PouchDB = requireCompat('pouchdb');
PouchDB.plugin(requireCompat('pouchdb-adapter-memory'));

async function main() {
  const local = new PouchDB(`local-${Date.now()}`, { adapter: 'memory' });
  const remote = new PouchDB(url);
  const docs = Array.from({ length: perSide }, (_, i) => ({ _id: `local-${String(i).padStart(4, '0')}`, from: 'pouchdb', i }));
  await local.bulkDocs(docs);

  const result = await local.sync(remote, { batch_size: 25 });
  if (result.push.status !== 'complete' || result.pull.status !== 'complete') {
    throw new Error(`sync did not complete: push ${result.push.status}, pull ${result.pull.status}`);
  }

  const localAll = await local.allDocs();
  const remoteAll = await remote.allDocs();
  const describe = (all) => all.rows.map((r) => `${r.id}@${r.value.rev}`).join(',');
  const expected = 2 * perSide;
  const summary = {
    pushed: result.push.docs_written,
    pulled: result.pull.docs_written,
    local: localAll.rows.length,
    remote: remoteAll.rows.length,
  };
  if (summary.local !== expected || summary.remote !== expected) {
    throw new Error(`expected ${expected} docs on each side: ${JSON.stringify(summary)}`);
  }
  if (describe(localAll) !== describe(remoteAll)) {
    throw new Error('local and remote hold different documents or revisions after the sync');
  }
  if (summary.pushed !== perSide || summary.pulled !== perSide) {
    throw new Error(`expected ${perSide} docs each way: ${JSON.stringify(summary)}`);
  }
  console.log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error(`pouch-sync failed: ${error.stack ?? error}`);
  process.exit(1);
});
