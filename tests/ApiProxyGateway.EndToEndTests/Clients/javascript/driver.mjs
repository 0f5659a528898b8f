// Drives @kubernetes/client-node against the sandbox for the end-to-end tests (Infrastructure/OfficialClient.cs):
//
//   KUBECONFIG=... KUBE_CONTEXT=... node driver.mjs OPERATION 'JSON-ARGUMENTS'
//
// Progress lines go to stdout as they happen; the last line is the result as JSON, with
// {"error": {"status": ..., "body": <the Status>}} when the server refused. The exit code is 0 only when the operation
// did what it was asked. Every operation ends within args.deadlineMs (default 30 s) and then prints what it had.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import tls from 'node:tls';
import WebSocket from 'isomorphic-ws';
import { Attach, CoreV1Api, Exec, KubeConfig, Log, PortForward, Watch } from '@kubernetes/client-node';
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';

const [operation, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}');
const kc = new KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG);
kc.setCurrentContext(process.env.KUBE_CONTEXT);
const core = kc.makeApiClient(CoreV1Api);

// What an operation has so far; printed as the result when the deadline passes first.
const progress = {};

const operations = {
  async list({ namespace, labelSelector }) {
    const list = await core.listNamespacedPod({ namespace, labelSelector });
    return { resourceVersion: list.metadata?.resourceVersion, names: list.items.map((p) => p.metadata.name) };
  },

  // Lists, watches from the list's resourceVersion (so no event can be missed), creates an unscheduled pod, deletes it.
  async watch({ namespace, name }) {
    const labelSelector = `e2e-watch=${name}`;
    const listed = await core.listNamespacedPod({ namespace, labelSelector });
    const events = (progress.events = []);
    let stopping = false;
    const watching = new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector, resourceVersion: listed.metadata.resourceVersion },
      (type, object) => {
        console.log(`event ${type} ${object.metadata?.name}`);
        events.push({ type, name: object.metadata?.name });
        changed();
      },
      (err) => stopping || finish({ events, error: describe(err ?? 'the watch ended before the pod was deleted') }),
    );
    const body = { metadata: { name, labels: { 'e2e-watch': name } }, spec: { containers: [{ name: 'main', image: 'sandbox.apiproxygateway.io/workload:latest', command: ['workload', 'idle'] }] } };
    await core.createNamespacedPod({ namespace, body });
    await until(() => events.some((e) => e.type === 'ADDED'));
    await core.deleteNamespacedPod({ namespace, name });
    await until(() => events.some((e) => e.type === 'DELETED'));
    stopping = true;
    (await watching).abort();
    return { events };
  },

  // How long until the watch's response has started (client-node resolves watch() then) while nothing happens.
  async watchQuiet({ namespace, withinMs }) {
    const started = performance.now();
    const watching = new Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: `e2e-quiet=${process.pid}` }, () => {}, (err) => {
      if (progress.establishedMs === undefined) finish({ error: describe(err ?? 'the watch ended before it was established') });
    });
    const controller = await Promise.race([watching, new Promise((resolve) => setTimeout(resolve, withinMs, null))]);
    if (controller === null) return { establishedMs: null, error: { message: `no response headers within ${withinMs} ms` } };
    progress.establishedMs = Math.round(performance.now() - started);
    console.log(`established after ${progress.establishedMs} ms`);
    controller.abort();
    return { establishedMs: progress.establishedMs };
  },

  // One Log.log per entry of requests (each an options object: tailLines, timestamps, ...), read to its end.
  async logs({ namespace, pod, container, requests }) {
    const outputs = (progress.outputs = []);
    for (const options of requests) {
      const sink = collector();
      const ended = new Promise((resolve) => sink.stream.on('finish', resolve));
      await new Log(kc).log(namespace, pod, container, sink.stream, options);
      await ended;
      outputs.push(sink.text());
    }
    return { outputs };
  },

  // Follows a running container's log until it has `lines` lines, then aborts the request.
  async logsFollow({ namespace, pod, container, lines, tailLines }) {
    const sink = collector();
    progress.output = sink.text;
    const controller = await new Log(kc).log(namespace, pod, container, sink.stream, { follow: true, tailLines });
    await until(() => sink.text().split('\n').length > lines);
    controller.abort();
    return { lines: sink.text().split('\n').slice(0, lines) };
  },

  // With stdinBytes, that many random bytes go to stdin in chunkSize pieces (one write by default), then stdin ends.
  async exec({ namespace, pod, container, command, stdinBytes, chunkSize }) {
    let stdin = null;
    if (stdinBytes !== undefined) {
      const data = randomBytes(stdinBytes);
      progress.stdinSha256 = createHash('sha256').update(data).digest('hex');
      const chunks = [];
      for (let at = 0; at < data.length; at += chunkSize ?? data.length) chunks.push(data.subarray(at, at + (chunkSize ?? data.length)));
      stdin = Readable.from(chunks);
    }
    return await runExec({ namespace, pod, container, command, stdin, tty: false });
  },

  // A terminal of 40 rows and 100 columns, then resized to 50 x 120: the shell prints `stty size` at the start and on
  // every SIGWINCH (which interrupts `wait`), so each size shows up without polling. A line typed on the terminal ends it.
  async execResize({ namespace, pod, container }) {
    const stdin = new PassThrough();
    const terminal = collector();
    Object.assign(terminal.stream, { rows: 40, columns: 100 }); // resizable: client-node then sends its size on channel 4
    const session = runExec({
      namespace, pod, container, stdin, tty: true, stdout: terminal,
      // A SIGWINCH that interrupts the last `wait` would make it the shell's exit status: the test is about sizes, so exit 0.
      command: ['sh', '-c', 'trap "stty size" WINCH; stty size; head -n 1 </dev/tty >/dev/null & pid=$!; while kill -0 $pid 2>/dev/null; do wait $pid; done; exit 0'],
    });
    await until(() => terminal.text().includes('40 100'));
    console.log('saw 40 100');
    Object.assign(terminal.stream, { rows: 50, columns: 120 }).emit('resize');
    await until(() => terminal.text().includes('50 120'));
    console.log('saw 50 120');
    stdin.write('\r');
    return await session;
  },

  // Attaches to a container started with stdin (workload idle echoes it), writes a line and reads it back.
  async attach({ namespace, pod, container, line }) {
    const stdout = collector();
    const stderr = collector();
    const stdin = new PassThrough();
    progress.stdout = stdout.text;
    const socket = await new Attach(kc, handler({ stdin, stdout: stdout.stream, stderr: stderr.stream })).attach(namespace, pod, container, stdout.stream, stderr.stream, stdin, false);
    stdin.write(line + '\n');
    await until(() => stdout.text().includes(line));
    socket.close();
    return { protocol: socket.protocol, stdout: stdout.text(), stderr: stderr.text() };
  },

  // A local listener per remote port (client-node forwards one port per WebSocket); two requests one after the other
  // through the first, then one through each at the same time. An HTTPS port is checked against the workload CA.
  async portForward({ namespace, pod, ports, ca, podIP }) {
    const forward = new PortForward(kc, true, handler({ stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() }));
    const refusals = (progress.refusals = []);
    const protocols = new Set();
    const errorChannel = collector();
    const listen = (port) => new Promise((resolve) => {
      const server = net.createServer((socket) => {
        forward.portForward(namespace, pod, [port], socket, errorChannel.stream, socket)
          .then((ws) => protocols.add(ws.protocol))
          .catch((e) => { refusals.push(describe(e)); socket.destroy(); });
      });
      server.listen(0, '127.0.0.1', () => resolve(server.address().port));
    });
    const local = await Promise.all(ports.map(listen));
    const get = (index, path) => request(local[index], path, ports[index] === 8443 ? { ca: readFileSync(ca), podIP } : null);
    try {
      const sequential = [await get(0, '/'), await get(0, '/bytes?n=1048576')];
      const concurrent = await Promise.all(ports.map((_, i) => get(i, '/')));
      return { protocols: [...protocols], sequential, concurrent, errorChannel: errorChannel.text() };
    } catch (e) {
      return { protocols: [...protocols], errorChannel: errorChannel.text(), error: refusals[0] ?? describe(e) };
    }
  },

  async serviceProxy({ namespace, name, path }) {
    const body = await core.connectGetNamespacedServiceProxyWithPath({ namespace, name, path });
    return { body: typeof body === 'string' ? JSON.parse(body) : body };
  },
};

// Exec.exec with collected output; ends when the WebSocket has closed, with the V1Status from the status channel.
async function runExec({ namespace, pod, container, command, stdin, tty, stdout = collector() }) {
  const stderr = tty ? null : collector();
  Object.assign(progress, { stdout: stdout.text, stderr: stderr?.text });
  let statusAt;
  const socket = await new Exec(kc, handler({ stdin, stdout: stdout.stream, stderr: stderr?.stream })).exec(
    namespace, pod, container, command, stdout.stream, stderr?.stream ?? null, stdin, tty,
    (status) => { progress.status = status; statusAt = performance.now(); });
  progress.protocol = socket.protocol;
  await new Promise((resolve) => socket.on('close', resolve));
  const closeMs = statusAt === undefined ? null : Math.round(performance.now() - statusAt);
  return { protocol: socket.protocol, stdout: stdout.text(), stderr: stderr?.text(), status: progress.status ?? null, closeMs, stdinSha256: progress.stdinSha256 };
}

// client-node's WebSocketHandler with its own socket (same URL, protocols and TLS options), except that a refused
// upgrade's status and Status body are kept: client-node alone reports only "Unexpected server response: 403".
function handler(streams) {
  return new WebSocketHandler(kc, (uri, protocols, options) => {
    const socket = new WebSocket(uri, protocols, options);
    socket.on('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const error = Object.assign(new Error(`Unexpected server response: ${res.statusCode}`), { status: res.statusCode, body: parse(Buffer.concat(chunks).toString()) });
        socket.emit('error', error);
        req.destroy();
      });
    });
    return socket;
  }, streams);
}

function request(port, path, secure) {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, agent: false };
    const done = (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        const sha256 = res.headers['x-content-sha256'];
        resolve(sha256 === undefined
          ? { status: res.statusCode, body: parse(data.toString()) }
          : { status: res.statusCode, length: data.length, intact: createHash('sha256').update(data).digest('hex') === sha256 });
      });
    };
    const req = secure
      ? https.get({ ...options, ca: secure.ca, checkServerIdentity: (_, cert) => tls.checkServerIdentity(secure.podIP, cert) }, done)
      : http.get(options, done);
    req.on('error', reject);
  });
}

// A writable that keeps what it is given and wakes the waiters.
function collector() {
  const chunks = [];
  const stream = new Writable({ write(chunk, _, callback) { chunks.push(chunk); changed(); callback(); } });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

// Conditions re-checked whenever output or an event arrives; the deadline bounds them.
const waiters = new Set();
function changed() {
  for (const waiter of waiters) {
    if (waiter.condition()) {
      waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
function until(condition) {
  return condition() ? Promise.resolve() : new Promise((resolve) => waiters.add({ condition, resolve }));
}

function parse(text) {
  try { return JSON.parse(text); } catch { return text; }
}

// An ApiException (API calls), a refused WebSocket (handler above; ws wraps it in an ErrorEvent), a failed watch.
function describe(err) {
  const e = err?.error ?? err;
  if (e?.code !== undefined && e?.body !== undefined) return { status: e.code, body: parse(e.body) };
  if (e?.status !== undefined) return { status: e.status, body: e.body };
  if (e?.statusCode !== undefined) return { status: e.statusCode, message: e.message };
  return { message: String(e?.message ?? e) };
}

function finish(result) {
  const resolved = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
  console.log(JSON.stringify(resolved));
  process.exit(resolved.error || resolved.timedOut ? 1 : 0);
}

setTimeout(() => finish({ ...progress, timedOut: true }), args.deadlineMs ?? 30000);
process.on('unhandledRejection', (e) => finish({ ...progress, error: describe(e) }));
try {
  finish(await operations[operation](args));
} catch (e) {
  finish({ ...progress, error: describe(e) });
}
