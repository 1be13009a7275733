// Validates Kubernetes manifests (multi-document YAML, e.g. `helm template` output) against the Kubernetes OpenAPI
// schemas shipped in the npm package kubernetes-models: wrong types, missing required fields, bad enum values.
// Unknown fields are not caught here (the schemas allow them); tests/Tessera.Deploy.Tests loads the same output
// strictly with KubernetesClient for that. No cluster is needed.
//   node eng/deploy/validate-manifests.cjs <node_modules dir> <file.yaml>...
// Prints one line per document and exits 1 when any document is invalid or of an unknown kind.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error('usage: validate-manifests.cjs <node_modules dir> <file.yaml>...');
  process.exit(2);
}
const load = (name) => require(path.join(path.resolve(modules), name));
const YAML = load('yaml');

let failures = 0;
let documents = 0;
for (const file of files) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      failures++;
      console.log(`not valid: ${file}: YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const manifest = doc.toJS();
    if (manifest === null || manifest === undefined) continue; // an empty document between two ---
    documents++;
    const { apiVersion, kind } = manifest;
    const name = `${file}: ${kind ?? '?'} ${manifest.metadata?.name ?? '?'}`;
    let Model;
    try {
      // Core types live under v1/, the others under {group}/{version}/.
      Model = load(`kubernetes-models/${apiVersion}/${kind}`)[kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== 'function') {
      failures++;
      console.log(`not valid: ${name}: unknown apiVersion/kind ${apiVersion}/${kind}`);
      continue;
    }
    try {
      new Model(manifest).validate();
      console.log(`valid: ${name}`);
    } catch (error) {
      failures++;
      const details = (error.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      console.log(`not valid: ${name}: ${details || error.message}`);
    }
  }
}
console.log(`${documents} documents, ${failures} invalid`);
process.exit(failures === 0 && documents > 0 ? 0 : 1);
