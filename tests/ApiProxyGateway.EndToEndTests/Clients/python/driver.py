"""Drives the official Python client (Debian's python3-kubernetes 22.6) for the end-to-end tests.

usage: driver.py OPERATION JSON-ARGUMENTS, with KUBECONFIG and KUBE_CONTEXT set. Prints progress lines, then one JSON
line: the operation's result, or {"error": ...} for an ApiException ({"status", "reason", "body"}) or a stall (the
server stopped answering for STALL seconds: {"stalled": "what the driver was waiting for"}).

The client is used as shipped, flaws included (exec waits on poll(), see Session), except that port-forward gets a
select() that sees frames buffered in the SSL socket (PendingAwareSelect): without it the forward stalls at random
(the client's own bug, kubernetes-client/python#2414; it happens against kube-apiserver too).
"""
import hashlib
import http.client
import json
import os
import re
import select
import ssl
import sys
import threading
import time

import websocket
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import portforward, stream, ws_client

STALL = 10  # seconds without the expected answer before a step counts as hung
TTY_SIZE = re.compile(r"^(\d+ \d+)\r?$", re.MULTILINE)  # what `stty size` prints: ROWS COLUMNS

OPERATIONS = {}


def operation(name):
    def register(function):
        OPERATIONS[name] = function
        return function
    return register


class Stall(Exception):
    pass


def progress(text):
    print(text, flush=True)


# --- API calls ---------------------------------------------------------------------------------------------------

@operation("list-pods")
def list_pods(api, namespace):
    pods = api.list_namespaced_pod(namespace)
    return {"names": sorted(p.metadata.name for p in pods.items), "resourceVersion": pods.metadata.resource_version}


@operation("watch-headers")
def watch_headers(api, namespace, label):
    """A watch on a selector nothing matches: its response (status and headers) must come back before any event exists."""
    # One attempt only: after a read timeout urllib3 would retry the GET three more times.
    impatient = client.Configuration.get_default_copy()
    impatient.retries = False
    started = time.monotonic()
    try:
        quiet = client.CoreV1Api(client.ApiClient(impatient)).list_namespaced_pod(
            namespace, label_selector=f"python-watch={label}", watch=True, _preload_content=False, _request_timeout=(STALL, 4))
        headers = {"seconds": round(time.monotonic() - started, 3), "status": quiet.status,
                   "contentType": quiet.headers.get("Content-Type")}
        quiet.close()
    except Exception as e:  # urllib3's ReadTimeoutError, or whatever else the server did instead
        headers = {"seconds": None, "failure": f"{type(e).__name__} after {time.monotonic() - started:.1f} s: {e}"}
    return headers


@operation("watch-events")
def watch_events(api, namespace, name):
    """Watches from a listed resourceVersion while this script creates and deletes a pod (unscheduled: no process)."""
    selector = f"python-watch={name}"
    version = api.list_namespaced_pod(namespace, label_selector=selector).metadata.resource_version
    events, added, ended = [], threading.Event(), threading.Event()

    def follow():
        try:
            for event in watch.Watch().stream(api.list_namespaced_pod, namespace, label_selector=selector,
                                              resource_version=version, timeout_seconds=STALL, _request_timeout=STALL + 5):
                events.append([event["type"], event["object"].metadata.name])
                progress(f"event {event['type']} {event['object'].metadata.name}")
                if event["type"] == "ADDED":
                    added.set()
                if event["type"] == "DELETED":
                    break
        finally:
            ended.set()

    threading.Thread(target=follow, daemon=True).start()
    api.create_namespaced_pod(namespace, {"metadata": {"name": name, "labels": {"python-watch": name}},
                                          "spec": {"containers": [{"name": "main", "image": "unscheduled"}]}})
    added.wait(STALL)
    api.delete_namespaced_pod(name, namespace, grace_period_seconds=0)
    ended.wait(STALL)
    return {"events": events}


@operation("logs")
def logs(api, namespace, pod):
    return {"tail": api.read_namespaced_pod_log(pod, namespace, tail_lines=2),
            "timestamps": api.read_namespaced_pod_log(pod, namespace, tail_lines=1, timestamps=True)}


@operation("follow-logs")
def follow_logs(api, namespace, pod, lines):
    response = api.read_namespaced_pod_log(pod, namespace, follow=True, _preload_content=False, _request_timeout=(STALL, STALL))
    read = []
    for line in response:  # urllib3 yields the body line by line as it arrives
        read.append(line.decode().rstrip("\n"))
        progress(f"log line {read[-1]}")
        if len(read) == lines:
            break
    started = time.monotonic()
    response.close()
    return {"lines": read, "closeSeconds": round(time.monotonic() - started, 3)}


@operation("service-proxy")
def service_proxy(api, namespace, service, path):
    body = api.connect_get_namespaced_service_proxy_with_path(service, namespace, path, _preload_content=False).data
    return {"response": json.loads(body)}


@operation("forbidden-exec")
def forbidden_exec(api, namespace, pod):
    """As a user without pods/exec: once over a WebSocket (the handshake fails) and once as a plain request (Status body)."""
    result = {}
    try:
        stream(api.connect_get_namespaced_pod_exec, pod, namespace, command=["true"], stdout=True, stderr=True, stdin=False,
               tty=False, _preload_content=False)
        result["websocket"] = "connected"
    except ApiException as e:
        result["websocket"] = api_error(e)
    try:
        api.connect_post_namespaced_pod_exec(pod, namespace, command="true", stdout=True)
        result["plain"] = "allowed"
    except ApiException as e:
        result["plain"] = api_error(e)
    return result


# --- exec and attach -----------------------------------------------------------------------------------------------

class Session:
    """An exec or attach WebSocket (WSClient) read in bounded steps: a server that stops answering raises Stall."""

    def __init__(self, ws):
        self.ws, self.stdout, self.stderr, self.status, self.closed_by = ws, "", "", "", None
        ws.sock.settimeout(STALL)  # a frame that never completes, or a write the server never reads, fails the step

    def pump(self, condition, what, within=STALL):
        deadline = time.monotonic() + within
        while not condition():
            left = deadline - time.monotonic()
            if not self.ws.is_open():
                raise Stall(f"the connection closed ({self.closed_by}) before {what}")
            if left <= 0:
                raise Stall(f"{what} (waited {within} s)")
            try:
                self.ws.update(timeout=left * 1000)  # update() passes this to poll(), which counts milliseconds
            except websocket.WebSocketTimeoutException as e:
                raise Stall(f"{what} (a frame stalled: {e})") from e
            except websocket.WebSocketConnectionClosedException:
                self.closed_by = "connection closed without a close frame"
            self.take()

    def take(self):
        """Takes what has arrived (stdout, stderr, the status), without waiting."""
        try:
            self.stdout += self.ws.read_channel(1, timeout=0)
            self.stderr += self.ws.read_channel(2, timeout=0)
            self.status = self.ws.peek_channel(ws_client.ERROR_CHANNEL, timeout=0)  # left in place for the client's returncode
        except websocket.WebSocketConnectionClosedException:
            self.closed_by = "connection closed without a close frame"
        if not self.ws.is_open() and self.closed_by is None:
            self.closed_by = "close frame"

    def write(self, data, what):
        try:
            self.ws.write_stdin(data)
        except websocket.WebSocketTimeoutException as e:
            raise Stall(f"{what} (the server stopped reading: {e})") from e

    def finish(self, wait_for_server_close=False):
        """Waits for the exit status, then either closes from this side (as the client's examples do with close()) or
        waits for the server to close, as run_forever() does, and measures how long that takes."""
        self.pump(lambda: self.status, "the exit status on the error channel")
        known = time.monotonic()
        pending = self.ws.sock.sock.pending()  # bytes already decrypted, which update()'s poll() cannot see
        progress(f"status {self.status.strip()}; {pending} bytes wait decrypted in the SSL socket")
        close_seconds = None
        if wait_for_server_close:
            try:
                self.pump(lambda: not self.ws.is_open(), "the server to close after the status")
                close_seconds = round(time.monotonic() - known, 3)
            except Stall:
                self.closed_by = f"client, after {STALL} s without a close from the server"
        if self.ws.is_open():
            self.closed_by = self.closed_by or "client"
            self.ws.close()
        progress(f"closed by {self.closed_by}, {time.monotonic() - known:.3f} s after the status")
        return {"stdout": self.stdout, "stderr": self.stderr, "status": json.loads(self.status),
                "returncode": self.ws.returncode, "statusToCloseSeconds": close_seconds, "closedBy": self.closed_by,
                "sslPendingAtStatus": pending}


def open_exec(api, namespace, pod, command, stdin=False, tty=False):
    return Session(stream(api.connect_get_namespaced_pod_exec, pod, namespace, command=command, stdin=stdin,
                          stdout=True, stderr=not tty, tty=tty, _preload_content=False))


@operation("exec")
def exec_command(api, namespace, pod, command, wait_for_server_close=False):
    return open_exec(api, namespace, pod, command).finish(wait_for_server_close)


@operation("exec-stdin")
def exec_stdin(api, namespace, pod, size, chunk):
    """Writes SIZE random bytes (binary frames: one write, or CHUNK-byte writes) to `head -c SIZE | sha256sum`."""
    data = os.urandom(size)
    session = open_exec(api, namespace, pod, ["sh", "-c", f"head -c {size} | sha256sum"], stdin=True)
    for offset in range(0, size, chunk or size):
        session.write(data[offset:offset + (chunk or size)], f"writing stdin at byte {offset}")
        session.take()  # reads whatever arrived, so neither side waits on a full buffer
    progress(f"wrote {size} bytes")
    session.pump(lambda: "\n" in session.stdout, "the checksum on stdout")
    return {"expected": hashlib.sha256(data).hexdigest(), **session.finish()}


@operation("exec-text")
def exec_text(api, namespace, pod, text):
    """Writes TEXT as str: the client sends a WebSocket text frame (binary frames carry bytes)."""
    session = open_exec(api, namespace, pod, ["head", "-n", "1"], stdin=True)
    session.write(text, "writing a text frame")
    return session.finish()


@operation("exec-tty")
def exec_tty(api, namespace, pod, sizes):
    """For each resize message, asks `stty size` (one Enter at a time) until it reports the new size or the step stalls."""
    session = open_exec(api, namespace, pod, ["sh", "-c", "while read line; do stty size; done"], stdin=True, tty=True)
    reported = []
    for size in sizes:
        session.ws.write_channel(ws_client.RESIZE_CHANNEL, json.dumps(size).encode())
        expected = f"{size.get('Height', size.get('height'))} {size.get('Width', size.get('width'))}"
        deadline, answer = time.monotonic() + STALL / 2, None
        while answer != expected and time.monotonic() < deadline:
            # Resize and stdin travel apart, so the first answer may predate the resize: ask again. A short wait per
            # question also gets past update() missing frames already decrypted in the SSL socket (a new answer wakes it).
            session.stdout = ""
            session.write(b"\n", "asking stty size")
            try:
                session.pump(lambda: TTY_SIZE.search(session.stdout), "stty size", within=1)
                answer = TTY_SIZE.search(session.stdout).group(1)
            except Stall:
                pass
        reported.append(answer)
        progress(f"resize {size}: stty size {answer}")
    session.write(b"\x04", "sending end of input")
    return {"sizes": reported, **session.finish()}


@operation("attach")
def attach(api, namespace, pod, line):
    session = Session(stream(api.connect_get_namespaced_pod_attach, pod, namespace, stdin=True, stdout=True, stderr=True,
                             tty=False, _preload_content=False))
    session.write(f"{line}\n".encode(), "writing a line")
    session.pump(lambda: "\n" in session.stdout, "the line echoed back")
    started = time.monotonic()
    session.ws.close()
    return {"stdout": session.stdout, "closeSeconds": round(time.monotonic() - started, 3)}


# --- port-forward ----------------------------------------------------------------------------------------------------

class PendingAwareSelect:
    """The client's port-forward thread select()s on the WebSocket's raw socket, so a frame that arrived in the same TLS
    record as the one before waits, decrypted inside the SSL socket, for bytes that may never come: the forward stalls
    now and then, whatever the server (kubernetes-client/python#2414; exec's update() has the same flaw, which
    Session.finish measures). In place of the select module in ws_client, this counts such frames as readable."""
    poll, POLLIN = select.poll, select.POLLIN

    @staticmethod
    def select(readable, writable, exceptional, timeout=None):
        pending = [s for s in readable if isinstance(s, websocket.WebSocket) and s.sock and s.sock.pending()]
        return (pending, [], []) if pending else select.select(readable, writable, exceptional, timeout)


@operation("port-forward")
def port_forward(api, namespace, pod):
    """One forward of ports 8080 and 8443: two HTTP requests on 8080's connection, one HTTPS request on 8443's."""
    ws_client.select = PendingAwareSelect
    forward = portforward(api.connect_get_namespaced_pod_portforward, pod, namespace, ports="8080,8443")
    plain = http.client.HTTPConnection(pod, 8080)
    plain.sock = forward.socket(8080)
    secure = http.client.HTTPSConnection(pod, 8443)
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # the pod's own certificate, inside the tunnel
    forward.socket(8443).settimeout(STALL)
    secure.sock = unverified.wrap_socket(forward.socket(8443)._socket, server_hostname=pod)
    forward.socket(8080).settimeout(STALL)

    def get(connection, path):
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except OSError as e:
            raise Stall(f"GET {path} on port {connection.port}: {type(e).__name__} {e}; "
                        f"errors: {forward.error(connection.port)!r}, websocket connected: {forward.connected}") from e
        progress(f"GET {path} on {connection.port}: {response.status}")
        return {"status": response.status, "length": len(body),
                "sha256": hashlib.sha256(body).hexdigest(), "expected": response.getheader("X-Content-SHA256")}

    results = {"first": get(plain, "/bytes?n=100000"), "secure": get(secure, "/bytes?n=50000"), "second": get(plain, "/bytes?n=200000")}
    forward.close()
    return {**results, "errors": {port: forward.error(port) for port in (8080, 8443)}}


# ----------------------------------------------------------------------------------------------------------------------

def api_error(e):
    """An ApiException as kube-apiserver's answer: status and Status body. A failed WebSocket handshake carries neither
    (the client raises ApiException(status=0) from websocket-client's exception), so its status comes from the cause."""
    status = e.status or getattr(e.__context__, "status_code", None)
    try:
        body = json.loads(e.body) if e.body else None
    except ValueError:
        body = e.body
    return {"status": status, "reason": e.reason, "body": body}


def main():
    name, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    config.load_kube_config(context=os.environ["KUBE_CONTEXT"])
    try:
        result = OPERATIONS[name](client.CoreV1Api(), **arguments)
    except ApiException as e:
        result = {"error": api_error(e)}
    except Stall as e:
        result = {"error": {"stalled": str(e)}}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
