"""Tests of chdb_http.py's HTTP subset at the wire level, complementing the Rust integration tests
(server/tests/it/warehouse.rs), which go through the official crate.

Run: python3 -m unittest server/embedded/test_chdb_http.py   (needs chdb-core)
"""

import http.client
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


class ChdbHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "chdb_http.py"), "--port", "0", "--path", cls.tmp.name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = cls.proc.stdout.readline().decode()
        assert line.startswith("MENSURA_CHDB_LISTENING "), line
        cls.port = int(line.split()[1])

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()  # EOF on stdin: the server exits by itself
        cls.proc.wait(timeout=20)
        cls.tmp.cleanup()

    def request(self, method, params=None, body=None, headers=None, path="/", chunked=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        conn.request(method, url, body=body, headers=headers or {}, encode_chunked=chunked)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp, data

    def test_ping(self):
        resp, data = self.request("GET", path="/ping")
        self.assertEqual((resp.status, data), (200, b"Ok.\n"))

    def test_query_in_url_body_and_both(self):
        self.assertEqual(self.request("GET", {"query": "SELECT 1"})[1], b"1\n")
        self.assertEqual(self.request("POST", body=b"SELECT 2")[1], b"2\n")
        self.assertEqual(self.request("POST", {"query": "SELECT"}, body=b"3")[1], b"3\n")

    def test_utc_params_format_settings(self):
        _, data = self.request("POST", {
            "default_format": "JSONEachRow", "param_s": "it\\'s", "max_threads": "3",
        }, body=b"SELECT timezone() AS tz, {s:String} AS s, getSetting('max_threads') AS t")
        self.assertEqual(data, b'{"tz":"UTC","s":"it\'s","t":3}\n')
        _, data = self.request("POST", body=b"SELECT getSetting('max_threads') = 3")
        self.assertEqual(data, b"0\n", "the setting was reset after the request")

    def test_multipart_params(self):
        boundary = "XyZ"
        fields = {"query": "SELECT {a:UInt8} + 1, {b:Array(String)}", "param_a": "41",
                  "param_b": "['x','y']"}
        body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                       for k, v in fields.items()) + f"--{boundary}--\r\n"
        _, data = self.request("POST", body=body.encode(),
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(data, b"42\t['x','y']\n")

    def test_chunked_insert_and_errors(self):
        self.request("POST", body=b"CREATE TABLE ins (a UInt32, s String) ENGINE = Memory")

        def chunks():
            yield b"1\tx\n"
            yield b"2\ty\n"
        resp, data = self.request("POST", {"query": "INSERT INTO ins FORMAT TSV"}, body=chunks(),
                                  chunked=True)
        self.assertEqual(resp.status, 200, data)
        self.assertEqual(self.request("GET", {"query": "SELECT sum(a) FROM ins"})[1], b"3\n")
        resp, data = self.request("POST", {"query": "INSERT INTO ins FORMAT TSV"}, body=b"x\ty\n")
        self.assertEqual(resp.status, 500)
        self.assertEqual(resp.getheader("X-ClickHouse-Exception-Code"), "27", data)

    def test_errors_carry_their_code(self):
        resp, data = self.request("POST", body=b"SELECT * FROM nope")
        self.assertEqual((resp.status, resp.getheader("X-ClickHouse-Exception-Code")), (500, "60"))
        self.assertTrue(data.startswith(b"Code: 60. DB::Exception:"), data)

    def test_error_after_streaming_began_is_tagged(self):
        resp, data = self.request("POST", {"default_format": "TSV", "max_threads": "1"},
                                  body=b"SELECT throwIf(number = 1000000) FROM numbers(2000000)")
        tag = resp.getheader("X-ClickHouse-Exception-Tag")
        self.assertEqual(resp.status, 200)
        self.assertTrue(data.endswith(f" {tag}\r\n__exception__\r\n".encode()), data[-300:])
        self.assertIn(b"Code: 395.", data[-1000:])

    def test_refusals(self):
        for params in ({"query": "SELECT 1", "compress": "1"},
                       {"query": "SELECT 1", "session_id": "s"}):
            resp, _ = self.request("GET", params)
            self.assertEqual(resp.status, 500, params)
            self.assertEqual(resp.getheader("X-ClickHouse-Exception-Code"), "36")
        resp, _ = self.request("GET", {"query": "SELECT 1", "compress": "0"})
        self.assertEqual(resp.status, 200)
        resp, _ = self.request("GET", path="/play")
        self.assertEqual(resp.status, 404)

    def test_parquet_is_one_file(self):
        _, data = self.request("POST", {"default_format": "Parquet"},
                               body=b"SELECT number FROM numbers(300000)")
        self.assertTrue(data.startswith(b"PAR1") and data.endswith(b"PAR1"))
        self.assertEqual(data.count(b"PAR1"), 2, "one file, not one per block")


if __name__ == "__main__":
    unittest.main()
