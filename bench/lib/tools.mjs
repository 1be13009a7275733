#!/usr/bin/env node
// Small helpers for run.sh, in Node so the harness needs nothing beyond node + npm.
//   node lib/tools.mjs free-port                 -> prints a free 127.0.0.1 TCP port
//   node lib/tools.mjs wait URL TIMEOUT_S [PID]  -> polls GET URL until 200; fails early if PID dies
import net from 'node:net';

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
} else {
  console.error('usage: tools.mjs free-port | wait URL TIMEOUT_S [PID]');
  process.exit(2);
}
