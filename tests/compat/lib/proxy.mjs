// A tiny recording HTTP proxy in front of the server: every request is forwarded unchanged and
// logged (method, path, query, and for _bulk_docs the number of docs sent), so tests can count
// what a replication actually transferred.
import http from 'node:http';
import { serverUrl } from './tessera.mjs';

/**
 * Starts a proxy on 127.0.0.1:0 that forwards to the Tessera server.
 * Returns { url, log, cut, close() }; `url` replaces serverUrl in database URLs. Set
 * `proxy.cut = (entry) => boolean` to drop the connection (no response) for matching requests,
 * simulating a network failure.
 */
export async function startRecordingProxy() {
  const upstream = new URL(serverUrl);
  const log = [];
  const proxy = { cut: null };
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://proxy');
      const entry = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        // Tag set by the client (PouchDB `headers` option) to tell replication runs apart.
        run: req.headers['x-compat-run'],
      };
      if (url.pathname.endsWith('/_bulk_docs') && req.method === 'POST') {
        try {
          entry.docs = JSON.parse(body.toString('utf8')).docs.length;
        } catch {
          entry.docs = -1;
        }
      }
      if (url.pathname.endsWith('/_changes') && req.method === 'POST' && body.length) {
        entry.body = body.toString('utf8');
      }
      log.push(entry);
      if (proxy.cut?.(entry)) {
        entry.cut = true;
        req.socket.destroy();
        return;
      }

      const headers = { ...req.headers, host: upstream.host };
      const fwd = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (up) => {
          entry.status = up.statusCode;
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', (err) => {
        entry.error = err.message;
        res.destroy(err);
      });
      fwd.end(body);
    });
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
