"""Drives the job benchmark against a Redis server: enqueue, a raw consumer baseline, and
waiting for a JobWorker (run elsewhere) to acknowledge everything. Standard library only."""
import socket, sys, time


class Redis:
    """A minimal RESP client: enough for pipelined XADD and the stream reads the baseline needs."""

    def __init__(self, host, port, password):
        self.sock = socket.create_connection((host, port))
        self.file = self.sock.makefile("rb")
        if password:
            self.call("AUTH", password)

    def send(self, *commands):
        out = bytearray()
        for args in commands:
            out += b"*%d\r\n" % len(args)
            for arg in args:
                data = arg if isinstance(arg, bytes) else str(arg).encode()
                out += b"$%d\r\n%s\r\n" % (len(data), data)
        self.sock.sendall(out)
        return [self.read() for _ in commands]

    def call(self, *args):
        return self.send(args)[0]

    def read(self):
        line = self.file.readline()[:-2]
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.file.read(size + 2)[:-2]
            return data
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self.read() for _ in range(size)]
        raise RuntimeError("bad reply %r" % line)


def enqueue(redis, stream, count, prefix):
    batch = 500
    for start in range(0, count, batch):
        redis.send(*[("XADD", stream, "*", "job_id", "%s-%d" % (prefix, i), "attempt", "1", "payload", '{"n":%d}' % i)
                     for i in range(start, min(count, start + batch))])


def raw_consume(redis, stream, group, count):
    """The baseline: read and acknowledge in batches of 100, doing no work."""
    redis.call("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
    done = 0
    while done < count:
        reply = redis.call("XREADGROUP", "GROUP", group, "raw", "COUNT", "100", "STREAMS", stream, ">")
        if not reply:
            continue
        ids = [entry[0] for entry in reply[0][1]]
        redis.call("XACK", stream, group, *ids)
        done += len(ids)


def wait_acknowledged(redis, stream, group, count, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        groups = redis.call("XINFO", "GROUPS", stream) or []
        for info in groups:
            fields = dict(zip(info[::2], info[1::2]))
            if fields.get(b"name") == group.encode() and fields.get(b"entries-read", 0) >= count and fields.get(b"pending") == 0:
                return True
        time.sleep(0.01)
    return False


if __name__ == "__main__":
    mode, host, port, password, stream, count = sys.argv[1:7]
    redis = Redis(host, int(port), password)
    count = int(count)
    started = time.time()
    if mode == "raw":
        enqueue(redis, stream, count, "raw")
        raw_consume(redis, stream, "raw", count)
    elif mode == "enqueue":
        enqueue(redis, stream, count, "job")
    elif mode == "wait":
        if not wait_acknowledged(redis, stream, sys.argv[7], count, float(sys.argv[8])):
            sys.exit("the worker did not acknowledge every job in time")
    print("%.3f" % (time.time() - started))
