"""Mensura's embedded ClickHouse: a loopback HTTP endpoint over one persistent chDB session.

chDB (PyPI ``chdb-core``) is ClickHouse as an in-process library. This small stdlib server opens
ONE chDB connection on a data directory and answers the part of the ClickHouse HTTP interface
that Mensura's Rust client (the official ``clickhouse`` crate, see ``server/src/warehouse``) uses.
The Rust supervisor (``server/src/warehouse/embedded.rs``) starts it, waits for ``/ping``,
restarts it after a crash and stops it. Nothing else is meant to talk to it.

The HTTP subset, exactly (anything outside it is refused with an error, except the few keys and
headers listed as ignored):

* ``GET /ping`` (and ``GET /`` without a query) -> ``200 Ok.\\n``.
* ``GET|POST /`` runs one statement. The SQL comes from the URL key ``query``, from the
  multipart form field ``query``, or from the raw request body; when ``query`` is given AND the
  body is raw, the statement is ``query + "\\n" + body``, except:
* ``INSERT ... FORMAT <fmt>`` in ``query`` with a raw body: the body is the data, in any input
  format chDB reads (RowBinary, TSV, CSV, JSONEachRow, Parquet, ...), streamed into chDB's
  ``send_insert`` as it arrives (``Content-Length`` or ``Transfer-Encoding: chunked``).
* ``database=<name>``: the current database for this request (``default`` otherwise).
* ``default_format=<fmt>``: the output format when the SQL has no ``FORMAT`` clause
  (``TabSeparated`` otherwise).
* ``param_<name>=<value>``: a bound parameter for ``{name:Type}``, in the URL or as a
  ``multipart/form-data`` field (the crate sends them that way). Values use ClickHouse's escaped
  text form, as in ClickHouse itself.
* Any other URL or form key is a setting for this request only (``SET`` before, reset after).
* Ignored, harmless on loopback: the keys ``query_id``, ``user``, ``password``, ``quota_key``
  and ``role``; the headers ``X-ClickHouse-User``/``X-ClickHouse-Key``, ``Authorization`` and
  ``Accept-Encoding`` (responses are never compressed). There is no authentication, and a GET is
  not made read-only as ClickHouse does: the endpoint listens on loopback for Mensura alone.
* Refused: ``compress``/``decompress``/``enable_http_compression`` set to anything but 0
  (compressed bodies), ``session_id`` (there is one session, shared), a ``Content-Encoding`` on
  the request, external-data files in the multipart form, and any path but ``/`` and ``/ping``.

Every statement runs with ``session_timezone = 'UTC'`` (the baseline of the session; a request
may set another one explicitly, as in ClickHouse). Statements are serialised on the one chDB
connection. ``SET`` or ``USE`` inside the SQL text would leak into the shared session (a real
ClickHouse forgets them after the request): use settings in the URL instead.

Responses: ``200`` with the result. Results of the streamable row formats (TabSeparated, CSV,
JSONEachRow, RowBinary, Native and their plain variants, chosen by ``default_format`` with no
``FORMAT`` in the SQL) stream block by block with chunked encoding; other formats (Parquet, JSON, ...) are written from chDB's result buffer without a copy.
Errors: ``500``, ``text/plain``, the exception text (``Code: N. DB::Exception: ...``) and the
header ``X-ClickHouse-Exception-Code: N``. An error after streaming began is sent as a
ClickHouse 25.11 tagged exception block (header ``X-ClickHouse-Exception-Tag``), which the crate
detects.

Lifecycle: ``--port 0`` binds a free port; the line ``MENSURA_CHDB_LISTENING <port>`` on stdout
announces it once the chDB session is open. The process exits cleanly on SIGTERM, SIGINT or
when its stdin reaches EOF (so it never outlives the supervisor that holds the other end of the
pipe). Requests are not logged: URLs carry bound parameters, which may be secret.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import http.server
import os
import random
import re
import signal
import string
import sys
import threading
import urllib.parse

READY_LINE = "MENSURA_CHDB_LISTENING"

# Row formats whose blocks concatenate into one valid stream. chDB's streaming API restarts the
# format's prefix and suffix on every block, so formats with a header, a footer or separators
# (Parquet, JSON, CSVWithNames, Arrow, Values, ...) are run unstreamed.
STREAMABLE_FORMATS = {
    f.lower()
    for f in (
        "TabSeparated", "TSV", "TabSeparatedRaw", "TSVRaw", "CSV", "JSONEachRow", "JSONLines",
        "NDJSON", "JSONCompactEachRow", "JSONStringsEachRow", "JSONCompactStringsEachRow",
        "RowBinary", "Native", "LineAsString",
    )
}
COMPRESSION_KEYS = {"compress", "decompress", "enable_http_compression"}
UNSUPPORTED_KEYS = COMPRESSION_KEYS | {"session_id", "session_timeout", "session_check"}
IGNORED_KEYS = {"query_id", "user", "password", "quota_key", "role"}
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INSERT_WITH_FORMAT = re.compile(r"^\s*(INSERT\s.*?)\s+FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$",
                                re.IGNORECASE | re.DOTALL)
CODE = re.compile(r"Code: (\d+)\.")
BAD_ARGUMENTS = 36
STD_EXCEPTION = 1001
CHUNK = 1 << 20


class ClickHouseError(Exception):
    """An error to report as ClickHouse would: ``Code: N. DB::Exception: ...``."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def as_clickhouse_error(exc: BaseException) -> ClickHouseError:
    if isinstance(exc, ClickHouseError):
        return exc
    text = str(exc).strip()
    for prefix in ("Streaming insert append failed: ", "Streaming insert finish failed: ",
                   "Streaming query failed: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    m = CODE.search(text)
    if m:
        return ClickHouseError(int(m.group(1)), text[m.start():])
    return ClickHouseError(STD_EXCEPTION,
                           f"Code: {STD_EXCEPTION}. DB::Exception: chdb_http: {text or type(exc).__name__}. (STD_EXCEPTION)")


def bad_request(message: str) -> ClickHouseError:
    return ClickHouseError(BAD_ARGUMENTS,
                           f"Code: {BAD_ARGUMENTS}. DB::Exception: chdb_http: {message}. (BAD_ARGUMENTS)")


def sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_ident(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


class Engine:
    """The one chDB connection, its lock, and per-request database and settings."""

    BASELINE = {"session_timezone": "UTC"}

    def __init__(self, path: str):
        import chdb  # noqa: PLC0415 - imported late so --help works without chDB

        # Keep the wrapper alive: its __del__ closes the connection. Queries go through the raw
        # connection underneath, whose results expose chDB's buffer without a copy.
        self.wrapper = chdb.connect(path)
        self.conn = self.wrapper._conn
        self.lock = threading.Lock()
        self._run(self._set_sql(self.BASELINE))

    def _run(self, sql: str, fmt: str = "TabSeparated", params: dict | None = None):
        result = self.conn.query(sql, fmt, params=params or {})
        if result is not None and result.has_error():
            raise RuntimeError(result.error_message())
        return result

    @staticmethod
    def _set_sql(settings: dict) -> str:
        return "SET " + ", ".join(f"{k} = {sql_string(v)}" for k, v in settings.items())

    def enter(self, database: str | None, settings: dict, applied: list):
        """Applies the request's settings and database (the lock is held).

        Settings equal to the baseline are skipped (the Rust client always sends
        ``session_timezone=UTC``). ``applied`` records what to undo, even when one fails.
        """
        for key, value in settings.items():
            if self.BASELINE.get(key) == value:
                continue
            self._run(self._set_sql({key: value}))
            applied.append(key)
        if database:
            self._run("USE " + quote_ident(database))
            applied.append(None)  # None stands for the database

    def leave(self, applied: list):
        """Restores the session for the next request (the lock is held)."""
        try:
            if None in applied:
                self._run("USE default")
            keys = [k for k in applied if k is not None]
            if keys:
                self._run("SET " + ", ".join(f"{k} = DEFAULT" for k in keys))
                back = {k: v for k, v in self.BASELINE.items() if k in keys}
                if back:
                    self._run(self._set_sql(back))
        except Exception as exc:  # noqa: BLE001 - the session is in an unknown state: stop
            print(f"chdb_http: could not restore the session ({exc}); exiting", file=sys.stderr)
            os._exit(3)

    def close(self):
        with self.lock:
            try:
                self.wrapper.close()
            except Exception:  # noqa: BLE001
                pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mensura-chdb-http"
    engine: Engine  # set on the class before serving

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        # Never log requests: URLs carry bound parameters, which may be secret (the salt).
        pass

    # --- request plumbing ---------------------------------------------------------------------

    def do_GET(self):
        self.handle_request(has_body=False)

    def do_POST(self):
        self.handle_request(has_body=True)

    def body_chunks(self):
        """Yields the request body in pieces (Content-Length or chunked), reading it all."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(remaining, CHUNK))
                    if not piece:
                        raise ConnectionError("request body ended early")
                    remaining -= len(piece)
                    yield piece
                self.rfile.readline(3)  # the CRLF after each chunk
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                piece = self.rfile.read(min(remaining, CHUNK))
                if not piece:
                    raise ConnectionError("request body ended early")
                remaining -= len(piece)
                yield piece

    def read_body(self) -> bytes:
        return b"".join(self.body_chunks())

    def parse_form(self, body: bytes, content_type: str) -> list[tuple[str, str]]:
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        if not msg.is_multipart():
            raise bad_request("malformed multipart/form-data body")
        fields = []
        for part in msg.iter_parts():
            if part.get_param("filename", header="content-disposition") is not None:
                raise bad_request("external data (files in the form) is not supported")
            name = part.get_param("name", header="content-disposition")
            if name is None:
                raise bad_request("a multipart field has no name")
            payload = part.get_payload(decode=True) or b""
            fields.append((str(name), payload.decode("utf-8")))
        return fields

    # --- one request --------------------------------------------------------------------------

    def handle_request(self, has_body: bool):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/ping" or (url.path == "/" and not url.query and not has_body):
            self.send_plain(200, b"Ok.\n")
            return
        if url.path != "/":
            self.discard_body(has_body)
            self.send_error_text(bad_request(f"unknown path {url.path!r}: only / and /ping"), 404)
            return
        consumed = not has_body
        try:
            if self.headers.get("Content-Encoding"):
                raise bad_request("compressed request bodies (Content-Encoding) are not supported")
            pairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
            raw_body = None
            ctype = self.headers.get("Content-Type", "")
            if has_body and ctype.lower().startswith("multipart/form-data"):
                pairs += self.parse_form(self.read_body(), ctype)
                consumed = True
            query, database, fmt, params, settings = None, None, "TabSeparated", {}, {}
            for key, value in pairs:
                if key == "query":
                    query = value
                elif key == "database":
                    database = value or None
                elif key == "default_format":
                    fmt = value or fmt
                elif key.startswith("param_"):
                    params[key[len("param_"):]] = value
                elif key in UNSUPPORTED_KEYS:
                    if key in COMPRESSION_KEYS and value in ("", "0"):
                        continue
                    raise bad_request(f"the URL key {key!r} is not supported by the embedded engine")
                elif key in IGNORED_KEYS:
                    continue
                elif IDENT.match(key):
                    settings[key] = value
                else:
                    raise bad_request(f"malformed setting name {key!r}")
            insert = INSERT_WITH_FORMAT.match(query) if (query and not consumed) else None
            if insert is None and not consumed:
                raw_body = self.read_body()
                consumed = True
            if insert is None:
                if query is None:
                    sql = (raw_body or b"").decode("utf-8")
                elif raw_body:
                    sql = query + "\n" + raw_body.decode("utf-8")
                else:
                    sql = query
                if not sql.strip():
                    raise bad_request("empty query")
            with self.engine.lock:
                applied = []
                try:
                    self.engine.enter(database, settings, applied)
                    if insert is not None:
                        consumed = True  # from here on, the body is read by the insert
                        self.run_insert(insert.group(1), insert.group(2))
                    else:
                        self.run_query(sql, fmt, params)
                finally:
                    self.engine.leave(applied)
        except (BrokenPipeError, ConnectionError):
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - every failure becomes a ClickHouse error
            if not consumed:
                self.close_connection = True
            self.send_error_text(as_clickhouse_error(exc))

    def discard_body(self, has_body: bool):
        if has_body:
            for _ in self.body_chunks():
                pass

    def run_insert(self, head: str, fmt: str):
        conn = self.engine.conn
        inserter = conn.send_insert(head, fmt)
        try:
            for piece in self.body_chunks():
                conn.insert_append(inserter, piece)
            conn.insert_done(inserter)
            inserter = None
        finally:
            if inserter is not None:
                self.close_connection = True  # the rest of the body was not read
                try:
                    conn.insert_cancel(inserter)
                except Exception:  # noqa: BLE001 - already failed; report the first error
                    pass
        self.send_plain(200, b"")

    def run_query(self, sql: str, fmt: str, params: dict):
        if fmt.lower() in STREAMABLE_FORMATS and not re.search(r"\bformat\b", sql, re.IGNORECASE):
            if self.run_streaming(sql, fmt, params):
                return
        result = self.engine._run(sql, fmt, params)
        view = result.get_memview().view() if result is not None else memoryview(b"")
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(view)))
        self.end_headers()
        for start in range(0, len(view), CHUNK):
            self.wfile.write(view[start:start + CHUNK])

    def run_streaming(self, sql: str, fmt: str, params: dict) -> bool:
        """Streams a row-format result; False when chDB cannot stream this statement."""
        conn = self.engine.conn
        try:
            stream = conn.send_query(sql, fmt, params=params)
        except Exception as exc:  # noqa: BLE001
            if "Streaming query is not supported" in str(exc):
                return False  # DDL, INSERT ... SELECT and friends: run them unstreamed
            raise
        done = False
        try:
            first = self.next_block(stream)  # errors before the first block become a 500
            tag = "".join(random.choices(string.ascii_lowercase, k=16))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("X-ClickHouse-Exception-Tag", tag)
            self.end_headers()
            block = first
            while block is not None:
                self.write_chunk(block)
                try:
                    block = self.next_block(stream)
                except Exception as exc:  # noqa: BLE001 - report in-band, as ClickHouse 25.11
                    done = True
                    message = (as_clickhouse_error(exc).message + "\n").encode("utf-8")
                    self.write_chunk(b"\r\n__exception__\r\n" + tag.encode() + b"\r\n" + message
                                     + f"{len(message)} {tag}\r\n__exception__\r\n".encode())
                    break
            else:
                done = True
            self.wfile.write(b"0\r\n\r\n")
            return True
        finally:
            if not done:
                try:
                    conn.streaming_cancel_query(stream)
                except Exception:  # noqa: BLE001
                    pass

    def next_block(self, stream):
        result = self.engine.conn.streaming_fetch_result(stream)
        if result is None:
            return None
        if result.has_error():
            raise RuntimeError(result.error_message())
        view = result.get_memview().view()
        if len(view) == 0 and result.rows_read() == 0:
            return None
        return view

    def write_chunk(self, data):
        if len(data):
            self.wfile.write(b"%x\r\n" % len(data))
            self.wfile.write(data)
            self.wfile.write(b"\r\n")

    def send_plain(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_error_text(self, err: ClickHouseError, status: int = 500):
        body = (err.message + "\n").encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("X-ClickHouse-Exception-Code", str(err.code))
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionError):
            self.close_connection = True


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--path", required=True, help="the chDB data directory (created if missing)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = ap.parse_args()

    server = Server((args.host, args.port), Handler)  # bind first: a busy port fails fast
    os.makedirs(args.path, exist_ok=True)
    engine = Engine(args.path)
    Handler.engine = engine

    stopping = threading.Event()

    def stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:  # noqa: BLE001
            pass
        stop()

    threading.Thread(target=watch_stdin, daemon=True).start()

    print(f"{READY_LINE} {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
