// Checks that a rendered helm/tessera lets the gateway reach every data pod on its own (values gateway.podDestinations,
// on by default): one headless Service (clusterIP None) that selects exactly the data pods, and a gateway whose data
// clusters have one destination, that Service's name, with destination resolution turned on.
//   node eng/deploy/check-pod-destinations.cjs <node_modules dir> <file.yaml>
// Prints what it found and exits 1 when a check fails.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, file] = process.argv.slice(2);
if (!modules || !file) {
  console.error('usage: check-pod-destinations.cjs <node_modules dir> <file.yaml>');
  process.exit(2);
}
const YAML = require(path.join(path.resolve(modules), 'yaml'));
const objects = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
const component = (o) => o.metadata?.labels?.['app.kubernetes.io/component'];

let failures = 0;
const check = (ok, message) => {
  console.log(`${ok ? 'ok' : 'FAILED'}: ${message}`);
  if (!ok) failures++;
};

const headless = objects.filter((o) => o.kind === 'Service' && o.spec?.clusterIP === 'None');
check(headless.length === 1, `one headless Service (found ${headless.map((s) => s.metadata.name).join(', ') || 'none'})`);
const deployments = objects.filter((o) => o.kind === 'Deployment');
const data = deployments.find((d) => component(d) === 'data');
const gateway = deployments.find((d) => component(d) === 'gateway');
check(data && gateway, 'data and gateway Deployments rendered');
if (headless.length === 1 && data && gateway) {
  const service = headless[0];
  const selects = (d) => Object.entries(service.spec.selector ?? {}).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v);
  check(Object.keys(service.spec.selector ?? {}).length > 0 && selects(data), `${service.metadata.name} selects the data pods`);
  check(deployments.filter(selects).length === 1, `${service.metadata.name} selects no other pods`);
  check(service.spec.publishNotReadyAddresses !== true, `${service.metadata.name} publishes ready pods only`);

  const port = service.spec.ports?.[0]?.port;
  const env = Object.fromEntries((gateway.spec.template.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
  const expected = `http://${service.metadata.name}:${port}/`;
  const destinations = Object.keys(env).filter((k) => k.startsWith('ReverseProxy__Clusters__data'));
  for (const cluster of ['data', 'data-grpc']) {
    const key = `ReverseProxy__Clusters__${cluster}__Destinations__pods__Address`;
    check(env[key] === expected, `gateway ${key} = ${env[key]} (expected ${expected})`);
  }
  check(destinations.length === 2, `gateway has no other data destination (${destinations.join(', ')})`);
  check(env.Tessera__Gateway__ResolveDestinations === 'true', `gateway Tessera__Gateway__ResolveDestinations = ${env.Tessera__Gateway__ResolveDestinations}`);
}
process.exit(failures === 0 ? 0 : 1);
