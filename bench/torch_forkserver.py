#!/usr/bin/env python3
"""A fork server for examples/trainers/torch/train.py, used by bench/record_digits_curves.sh.

Importing torch costs about 2.5 s of CPU, more than training one of the recording's small networks for
12 epochs, and every trial is its own process (docs/trainer-protocol.md). The server imports train.py
(and so torch) once; each trial's command is then this file as a client, which starts in milliseconds:
it hands the server its standard input, output and error (SCM_RIGHTS), environment, working directory and
arguments; the server forks, and the child runs train.py's main() exactly as `python3 train.py` would,
writing the protocol lines to the worker's pipe. The client forwards SIGTERM (the worker's stop) to the
child and exits with the child's status, so to the worker it is the trainer.

    python3 bench/torch_forkserver.py serve SOCKET &          # once, before the workers start
    python3 bench/torch_forkserver.py client SOCKET [ARGS]    # the trainer command
"""
import json
import os
import signal
import socket
import struct
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def receive_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def serve(path):
    sys.path.insert(0, os.path.join(HERE, os.pardir, "examples", "trainers", "torch"))
    import train  # noqa: F401 (torch, numpy and nasd_trainer imported once, here)

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    listener.bind(path)
    listener.listen(16)
    while True:
        connection, _ = listener.accept()
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            listener.close()
            status = 1
            try:
                for target, fd in enumerate(fds):
                    os.dup2(fd, target)
                    os.close(fd)
                os.environ.clear()
                os.environ.update(request["env"])
                os.chdir(request["cwd"])
                sys.argv = [train.__file__] + request["argv"]
                status = train.main() or 0
            except SystemExit as exit:
                status = exit.code if isinstance(exit.code, int) else 1
            except BaseException as error:  # report it where the trial's log is, as python3 would
                import traceback

                traceback.print_exception(error)
                status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        for fd in fds:
            os.close(fd)
        connection.sendall(struct.pack("!i", pid))
        threading.Thread(target=report_exit, args=(connection, pid), daemon=True).start()


def report_exit(connection, pid):
    """Waits for the trial's child and sends its exit status (128 + N for a signal N) to the client."""
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    try:
        connection.sendall(struct.pack("!i", code if code >= 0 else 128 - code))
    except OSError:
        pass  # the client is gone (killed): nobody to tell
    connection.close()


def client(path, arguments):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(path)
    request = json.dumps({"env": dict(os.environ), "cwd": os.getcwd(), "argv": arguments}).encode()
    socket.send_fds(connection, [request], [0, 1, 2])
    (pid,) = struct.unpack("!i", receive_exactly(connection, 4))
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
    (status,) = struct.unpack("!i", receive_exactly(connection, 4))
    return status


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "client":
        sys.exit(client(sys.argv[2], sys.argv[3:]))
    else:
        sys.exit(__doc__)
