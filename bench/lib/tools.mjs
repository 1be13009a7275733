#!/usr/bin/env node
// Small helpers for run.sh, in Node so the harness needs nothing beyond node + npm.
//   node lib/tools.mjs free-port                 -> prints a free 127.0.0.1 TCP port
//   node lib/tools.mjs wait URL TIMEOUT_S [PID]  -> polls GET URL until 200; fails early if PID dies
//   node lib/tools.mjs gateway-config FILE URL    -> rewrites the gateway's appsettings.json FILE for a benchmark:
//                                                   every cluster gets the one destination URL, no token issuer,
//                                                   and a default plan whose limits the load never reaches
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);

if (cmd === 'free-port') {
  // Bind port 0 and release it: tiny race with other processes, acceptable on a dev box.
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => console.log(port));
  });
} else if (cmd === 'wait') {
  const [url, timeoutS = '60', pid] = args;
  const deadline = Date.now() + Number(timeoutS) * 1000;
  let last = 'no answer';
  for (;;) {
    if (pid) {
      try { process.kill(Number(pid), 0); } catch { console.error(`process ${pid} exited while waiting for ${url}`); process.exit(1); }
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) process.exit(0);
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code || e.name;
    }
    if (Date.now() > deadline) { console.error(`timed out after ${timeoutS}s waiting for ${url} (${last})`); process.exit(1); }
    await new Promise((r) => setTimeout(r, 250));
  }
} else if (cmd === 'gateway-config') {
  const [file, url] = args;
  const config = JSON.parse(readFileSync(file, 'utf8'));
  for (const cluster of Object.values(config.ReverseProxy.Clusters)) {
    cluster.Destinations = { bench: { Address: url } };
  }
  const gateway = config.Tessera.Gateway;
  delete gateway.Issuer; // no identity in the benchmark: requests carry no token, so none is checked
  delete gateway.IdentityAddress;
  // Note: finite limits, so the limiter code runs for every request as in production; the load never reaches them.
  gateway.Plans.bench = { RequestsPerSecond: 10000000, Burst: 10000000, ConcurrentRequests: 100000 };
  gateway.DefaultPlan = 'bench';
  writeFileSync(file, JSON.stringify(config, null, 2));
} else {
  console.error('usage: tools.mjs free-port | wait URL TIMEOUT_S [PID] | gateway-config FILE URL');
  process.exit(2);
}
