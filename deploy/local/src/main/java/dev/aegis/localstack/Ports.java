package dev.aegis.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Port checks done before a start, so that a taken port fails fast instead of hanging. */
public final class Ports {

    private Ports() {
    }

    /**
     * True when nothing listens on the port. Binds the wildcard address: Keycloak's management
     * interface binds all interfaces, and a wildcard bind also collides with a 127.0.0.1 listener.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Connections of a server stopped a moment ago linger in TIME_WAIT; the servers we
            // start bind with SO_REUSEADDR, so the check must too or a restart looks "taken".
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress((InetAddress) null, port));
        } catch (IOException e) {
            return false;
        }
        // a listener bound to 127.0.0.1 only may still let the wildcard bind pass on some systems
        return !isOpen(port);
    }

    /** A free ephemeral port; racy by nature, the start path re-checks and reports clearly. */
    public static int freePort() {
        // Ports are picked for several servers before any of them listens, and the kernel may
        // hand the same ephemeral number out twice in a row; never give one out twice per JVM.
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port not already handed out");
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** True when something accepts TCP connections on 127.0.0.1:port. */
    public static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
