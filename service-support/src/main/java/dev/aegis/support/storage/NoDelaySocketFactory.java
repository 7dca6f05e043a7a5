package dev.aegis.support.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * Sockets with Nagle's algorithm off (for https OkHttp layers TLS over this raw socket). OkHttp
 * leaves Nagle on and writes a request body larger than its 8 KiB buffer in two writes: the
 * second, small one then waits for the ACK of the first, which the server delays by up to 40 ms.
 * Measured by the inference pipeline bench on the local stack: a 13 KB PNG upload took 54-58 ms
 * p50 instead of 12 ms, most of the submit path's overhead.
 */
final class NoDelaySocketFactory extends SocketFactory {

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        // OkHttp calls this one, then connects the unconnected socket itself
        return noDelay(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(new Socket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(new Socket(address, port, localAddress, localPort));
    }
}
