#!/usr/bin/env python3
"""Frame Streams clients for the dnstap_socket scenario test.

Usage: fstrm_clients.py (unix:PATH | tcp:HOST:PORT) GOOD N_FRAMES
Runs GOOD well-behaved clients (READY/ACCEPT/START, N_FRAMES dnstap
CLIENT_RESPONSE frames, STOP/FINISH) at the same time as a set of hostile
ones (garbage, oversized control frame, wrong content type, data before the
handshake, a client that vanishes mid-frame).  Prints "PASS text" / "FAIL
text" lines about what the clients saw, and "SENT n" with the number of
dnstap messages the good clients sent.

The dnstap protobufs are encoded here by hand from the public field numbers.
"""
import os
import socket
import struct
import sys
import threading

CT = b"protobuf:dnstap.Dnstap"


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def fld(num, wt, payload):
    key = varint(num << 3 | wt)
    if wt == 0:
        return key + varint(payload)
    if wt == 2:
        return key + varint(len(payload)) + payload
    raise ValueError


def wname(s):
    out = b""
    for label in s.strip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_answer(i):
    name = wname("host%d.example.org" % i)
    hdr = struct.pack(">HHHHHH", i & 0xFFFF, 0x8180, 1, 1, 0, 0)
    q = name + struct.pack(">HH", 1, 1)
    rr = name + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([198, 51, 100, i % 250 + 1])
    return hdr + q + rr


def dnstap_frame(i):
    msg = (fld(1, 0, 6) + fld(2, 0, 1) + fld(3, 0, 1) + fld(12, 0, 1700000000 + i) +
           fld(14, 2, dns_answer(i)))
    d = fld(1, 2, b"test-client") + fld(15, 0, 1) + fld(14, 2, msg)
    return struct.pack(">I", len(d)) + d


def control(ctype, ct=None):
    body = struct.pack(">I", ctype)
    if ct is not None:
        body += struct.pack(">II", 1, len(ct)) + ct
    return struct.pack(">II", 0, len(body)) + body


def connect(target):
    if target.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(target[5:])
    else:
        host, port = target[4:].rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    s.settimeout(10)
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("closed after %d bytes" % len(buf))
        buf += chunk
    return buf


def read_control(s):
    esc, clen = struct.unpack(">II", recv_exact(s, 8))
    if esc != 0 or clen > 512:
        raise ValueError("not a control frame")
    body = recv_exact(s, clen)
    return struct.unpack(">I", body[:4])[0], body


def try_ready(path):
    """READY on a new unix connection to path: "accepted" if ACCEPT with the
    dnstap content type comes back, else "refused"; (the socket, the word)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(path)
        s.sendall(control(4, CT))
        got = s.recv(64)
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        got = b""
    return s, "accepted" if got[:12] == struct.pack(">III", 0, 34, 1) else "refused"


results = []
lock = threading.Lock()


def note(ok, text):
    with lock:
        results.append(("PASS " if ok else "FAIL ") + text)


def good(target, idx, nframes, errors):
    try:
        s = connect(target)
        s.sendall(control(4, CT))  # READY
        t, body = read_control(s)
        if t != 1 or CT not in body:
            raise ValueError("expected ACCEPT with the content type, got %d" % t)
        s.sendall(control(2, CT))  # START
        data = b"".join(dnstap_frame(idx * 100000 + i) for i in range(nframes))
        # in uneven pieces so frames straddle writes
        step = 997
        for off in range(0, len(data), step):
            s.sendall(data[off:off + step])
        s.sendall(control(3))  # STOP
        t, _ = read_control(s)
        if t != 5:
            raise ValueError("expected FINISH, got %d" % t)
        s.close()
    except Exception as e:  # noqa: BLE001 - reported as a failure line
        with lock:
            errors.append("client %d: %s" % (idx, e))


def expect_closed(target, payload, text, handshake=False):
    try:
        s = connect(target)
        if handshake:
            s.sendall(control(4, CT))
            read_control(s)
            s.sendall(control(2, CT))
        s.sendall(payload)
        s.settimeout(5)
        try:
            while s.recv(4096):
                pass
            note(True, text)
        except socket.timeout:
            note(False, text + " (still open after 5 s)")
        except ConnectionResetError:
            note(True, text)
        s.close()
    except (BrokenPipeError, ConnectionResetError):
        note(True, text)
    except Exception as e:  # noqa: BLE001
        note(False, "%s (%s)" % (text, e))


def vanish(target):
    s = connect(target)
    s.sendall(control(4, CT))
    read_control(s)
    s.sendall(control(2, CT))
    f = dnstap_frame(7)
    s.sendall(f[: len(f) // 2])
    s.close()


def main():
    target, ngood, nframes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    errors = []
    threads = [threading.Thread(target=good, args=(target, i, nframes, errors)) for i in range(ngood)]
    hostile = [
        (os.urandom(4096), "garbage before the handshake is disconnected", False),
        (struct.pack(">II", 0, 100000), "an oversized control frame is disconnected", False),
        (control(4, b"protobuf:something.Else"), "READY with a foreign content type is disconnected", False),
        (dnstap_frame(1), "data before READY is disconnected", False),
        (control(4, CT) + control(4, CT), "READY inside a stream is disconnected", True),
    ]
    for payload, text, hs in hostile:
        threads.append(threading.Thread(target=expect_closed, args=(target, payload, text, hs)))
    threads.append(threading.Thread(target=vanish, args=(target,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    note(not errors, "%d good clients completed READY/ACCEPT/START/STOP/FINISH %s" %
         (ngood, errors[:3]))
    for r in results:
        print(r)
    print("SENT %d" % (ngood * nframes))


if __name__ == "__main__":
    main()
