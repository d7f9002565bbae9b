#!/usr/bin/env python3
"""Write the seed corpus of the libFuzzer targets in tests/fuzz.

Each file is one valid input: LRPC messages in the layout of
dlls/rpcrt4/lrpc_layout.h, attribute-buffer operations and port-queue
operations as fuzz_alpc_attr.c and fuzz_port_msg.c read them.  The files are
checked in; run this again (from anywhere) after changing a layout or a target's
input format:  tests/fuzz/make-corpus.py
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

# ---- LRPC (lrpc_layout.h) ----------------------------------------------------

LMT_REQUEST, LMT_BIND, LMT_FAULT, LMT_RESPONSE, LMT_CANCEL = 0, 1, 2, 3, 4
REQUEST_OBJECT_UUID, REQUEST_VIEW_PRESENT = 0x1, 0x4
RESPONSE_VIEW_PRESENT = 0x4

IFACE = struct.pack("<IHH8sHH", 0x12345678, 0x1234, 0xabcd, bytes(range(8)), 1, 0)
OBJECT = struct.pack("<IHH8s", 0xdeadbeef, 0x1111, 0x2222, bytes(range(3, 11)))


def header(msg_type):
    return struct.pack("<II", msg_type, 0)


def bind(binding_id, status=0):
    # 0x08 RpcStatus, 0x0c Interface, 0x20 TransferSyntaxSet, 0x24 DceNdrSyntaxIdentifier,
    # 0x26 Ndr64, 0x28 FakeNdr64, 0x2a unknown, 0x2c RegisterMultipleSyntax, 0x30 UseFlowId,
    # 0x34 unknown, 0x38 FlowId, 0x40 ContextId, 0x44 unknown
    msg = header(LMT_BIND) + struct.pack("<I", status) + IFACE
    msg += struct.pack("<IHHHHIIIQII", 1, binding_id, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert len(msg) == 0x48
    return msg


def request(call_id, binding_id, proc_num, data=b"", obj=None, large=None):
    flags = (REQUEST_OBJECT_UUID if obj else 0) | (REQUEST_VIEW_PRESENT if large is not None else 0)
    msg = header(LMT_REQUEST) + struct.pack("<IIII", flags, call_id, binding_id, proc_num)
    msg += bytes(0x18) + (obj or bytes(16))
    assert len(msg) == 0x40
    if large is not None:
        return msg + struct.pack("<II", large, 0)
    return msg + data


def response(call_id, data=b"", large=None):
    flags = RESPONSE_VIEW_PRESENT if large is not None else 0
    msg = header(LMT_RESPONSE) + struct.pack("<IIII", flags, call_id, 0, 0)
    assert len(msg) == 0x18
    if large is not None:
        return msg + struct.pack("<II", large, 0)
    return msg + data


def fault(status, flags=0):
    return header(LMT_FAULT) + struct.pack("<II", status, flags)


lrpc = {
    "bind": bind(1),
    "bind-reply-unknown-if": bind(1, status=1717),
    "request-empty": request(1, 1, 0),
    "request-data": request(2, 1, 3, data=bytes(range(0x20))),
    "request-object": request(3, 1, 0, data=b"\x01\x00\x00\x00", obj=OBJECT),
    "request-max-immediate": request(4, 1, 1, data=bytes(0xf00)),
    "request-large": request(5, 1, 2, large=0x100000),
    "request-large-object": request(6, 1, 2, obj=OBJECT, large=0xf01),
    "response-data": response(2, data=b"\x00\x00\x00\x00ok\x00\x00"),
    "response-large": response(5, large=0x100000),
    "fault": fault(1783),
    "fault-extended": fault(5, flags=1),
    "cancel": header(LMT_CANCEL),
    # also read as an endpoint: Wine's COM endpoints and a plain one
    "endpoint-ole": b"\\pipe\\OLE_000001140000cafe",
    "endpoint-dynamic": b"LRPC-000012340002cdef12",
}

# ---- ALPC attribute buffers (fuzz_alpc_attr.c) --------------------------------

ALL_ATTRS = 0xfe000000
SECURITY, VIEW, CONTEXT, HANDLE, TOKEN, DIRECT, WOB = (0x80000000, 0x40000000, 0x20000000, 0x10000000,
                                                      0x08000000, 0x04000000, 0x02000000)


def attr_lookup(allocated, valid, flag):
    return struct.pack("<BIII", 0, allocated, valid, flag)


def attr_init(flags, size, big=False, no_buffer=False, no_required=False):
    op = 1 | (0x80 if big else 0) | (0x10 if no_buffer else 0) | (0x20 if no_required else 0)
    return struct.pack("<BII", op, flags, 0) + (struct.pack("<Q", size) if big else struct.pack("<B", size))


def attr_sizes(allocated, valid):
    return struct.pack("<BII", 2, allocated, valid)


alpc_attr = {
    "all": attr_lookup(ALL_ATTRS, ALL_ATTRS, VIEW),
    "none": attr_lookup(0, 0, CONTEXT),
    "rpc-receive": attr_lookup(VIEW | CONTEXT, CONTEXT, VIEW),
    "handle-token": attr_lookup(HANDLE | TOKEN, HANDLE, TOKEN),
    "unknown-bits": attr_lookup(0x01ffffff | SECURITY, 0xffffffff, 0x1),
    "init-exact": attr_init(ALL_ATTRS, 0xa0),
    "init-short": attr_init(ALL_ATTRS, 0x9f),
    "init-size-only": attr_init(VIEW | CONTEXT, 0x48, no_buffer=True),
    "init-huge": attr_init(DIRECT, 0xffffffffffffffff, big=True),
    "sequence": attr_init(CONTEXT, 0x28) + attr_lookup(CONTEXT | DIRECT, 0, DIRECT)
                + attr_sizes(VIEW | WOB, SECURITY),
}

# ---- port messages (fuzz_port_msg.c) ------------------------------------------

def q(op, queue=0):
    return bytes([op | (queue << 4)])


def limits(lpc, info, length, wide=False):
    op = 0 | (0x40 if lpc else 0) | (0x80 if wide else 0)
    return bytes([op]) + (struct.pack("<II", info, length) if wide else struct.pack("<HH", info, length))


def lengths(data_len, total_len):
    return q(1) + struct.pack("<HH", data_len, total_len)


def lengths_any(data_len, total_len, max_len):
    return q(2) + struct.pack("<III", data_len, total_len, max_len)


def counter(value):
    return q(3) + struct.pack("<I", value)


def push(queue, msg_type, data, attach=False):
    return bytes([4 | (queue << 4) | (0x80 if attach else 0), msg_type, len(data)]) + data


def push_reply(queue, msg_type, data, msg_id):
    return bytes([5 | (queue << 4), msg_type, len(data)]) + data + struct.pack("<I", msg_id)


def find_queued(queue, index, take=False):
    return bytes([(7 if take else 6) | (queue << 4) | 0x80, index])


def find_id(queue, msg_id, take=False):
    return q(7 if take else 6, queue) + struct.pack("<I", msg_id)


def receive(queue):
    return q(8, queue)


def clear(queue):
    return q(9, queue)


port_msg = {
    "lpc-limits": limits(True, 0x208, 0x288) + limits(True, 0x209, 0) + limits(True, 0, 0x289)
                  + lengths(0x260, 0x288) + lengths(0x261, 0x289),
    "alpc-limits": limits(False, 0, 0xffff) + lengths(0xffd7, 0xffff) + limits(False, 0, 0x27)
                   + limits(False, 0xffffffff, 0x10000, wide=True),
    "length-wrap": lengths_any(0xffffffe0, 0x20, 0xffffffff) + lengths_any(0xffffffd7, 0xffffffff, 0xffffffff)
                   + lengths_any(0xffffffe0, 0xfffffff0, 0xffffffff),
    "queue": push(0, 1, b"request") + push(0, 3, b"datagram", attach=True) + push(1, 1, b"")
             + find_queued(0, 1) + receive(0) + find_queued(0, 0, take=True) + receive(1),
    "replies": push(0, 1, b"req") + push_reply(1, 2, b"reply", 1) + push_reply(1, 2, b"again", 1)
               + find_id(1, 1, take=True) + find_id(1, 1) + find_id(2, 7) + clear(1),
    "id-wrap": counter(0xfffffffe) + push(0, 1, b"a") + push(0, 1, b"b") + push(0, 1, b"c")
               + find_id(0, 0xffffffff) + find_id(0, 1) + find_id(0, 0) + clear(0),
    "close-with-queued": push(2, 10, b"connect", attach=True) + push(2, 12, b"") + clear(2)
                         + push(2, 6, b"died"),
}


def write(target, files):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.unlink(os.path.join(directory, name))
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


def main():
    write("lrpc_msg", lrpc)
    write("alpc_attr", alpc_attr)
    write("port_msg", port_msg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
