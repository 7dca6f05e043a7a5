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

    /**
     * A free port below the kernel's ephemeral range; racy by nature, the start path re-checks and
     * reports clearly. Below the range because servers start up to minutes after the pick (model
     * training, other servers first) and an outgoing connection of any process on the machine may
     * take an ephemeral port meanwhile; nothing but an explicit bind takes one below it.
     */
    public static int freePort() {
        int[] range = belowEphemeralRange();
        // Ports are picked for several servers before any of them listens: never give one out twice per JVM.
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(range[0], range[1]);
            boolean localStackDefault = port >= 27000 && port < 27100; // ./aegis up's MongoDB port 27027
            if (!localStackDefault && !HANDED_OUT.contains(port) && isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
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

    /** [from, to) just below the ephemeral range of /proc/sys/net/ipv4/ip_local_port_range (Linux default 32768). */
    static int[] belowEphemeralRange() {
        int ephemeralLow = 32768;
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+");
            ephemeralLow = Integer.parseInt(parts[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the IANA/Linux default
        }
        int to = Math.max(ephemeralLow, 12000);
        return new int[] {Math.max(10000, to - 12000), to};
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
