"""A gevent_openssl-style cooperative wrapper around pyOpenSSL's Connection.

gevent_openssl is not packaged in Debian, so the origin lab carries these few lines of
its own that do what gevent_openssl 1.2 did: wrap every `OpenSSL.SSL.Connection` so
that the handshake, send, recv and shutdown wait for the socket through gevent's hub
instead of raising WantRead/WantWrite. Every other attribute falls through to the
wrapped connection - `recv_into` among them, which therefore still raises WantRead,
and urllib3's WrappedSocket answers that with `util.wait_for_read`: a real `poll()`.

`monkey_patch(recv_into=True)` installs the wrapper with the one method the 2019 pull
request added (gevent_openssl #15, never released): a cooperative `recv_into`.
"""
import OpenSSL.SSL
from gevent.socket import wait_read, wait_write

_Connection = OpenSSL.SSL.Connection  # the real class, kept before the patch


class SSLConnection:
    """gevent_openssl 1.2: waits cooperatively in the methods it defines, and only there."""

    # pyOpenSSL's verify callback finds its connection through the module's
    # `Connection._reverse_mapping`, and the module's name now means this class.
    _reverse_mapping = _Connection._reverse_mapping

    def __init__(self, context, sock):
        self._sock = sock
        self._connection = _Connection(context, sock)

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def _iowait(self, io_func, *args):
        fd, timeout = self._sock.fileno(), self._sock.gettimeout()
        while True:
            try:
                return io_func(*args)
            except (OpenSSL.SSL.WantReadError, OpenSSL.SSL.WantX509LookupError):
                wait_read(fd, timeout=timeout)
            except OpenSSL.SSL.WantWriteError:
                wait_write(fd, timeout=timeout)

    def do_handshake(self):
        return self._iowait(self._connection.do_handshake)

    def send(self, data, flags=None):
        return self._iowait(self._connection.send, data, flags)

    def sendall(self, data, flags=None):
        return self._iowait(self._connection.sendall, data, flags)

    def recv(self, bufsiz, flags=None):
        return self._iowait(self._connection.recv, bufsiz, flags)

    def shutdown(self):
        return self._iowait(self._connection.shutdown)


class SSLConnectionWithRecvInto(SSLConnection):
    """The pull request: recv_into waits through the hub too."""

    def recv_into(self, buffer, nbytes=None, flags=None):
        return self._iowait(self._connection.recv_into, buffer, nbytes, flags)


def monkey_patch(recv_into=False):
    """As gevent_openssl.monkey_patch(): every new Connection is the wrapper."""
    OpenSSL.SSL.Connection = SSLConnectionWithRecvInto if recv_into else SSLConnection
