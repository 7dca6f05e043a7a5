package dev.aegis.reliability;

import java.time.Duration;

import dev.aegis.testsupport.ServerHandle;

/** Starting a stopped server again on its own port. */
final class Restarts {

    private Restarts() {
    }

    /**
     * The port of a just-stopped server can stay held for up to a minute (its closed connections'
     * TIME_WAIT, and local-stack's free-port check binds without SO_REUSEADDR): retry meanwhile.
     */
    static void start(ServerHandle server, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int retries = 0;
        while (true) {
            try {
                server.start();
                System.out.println("[reliability] " + name + " restarted" + (retries > 0
                        ? " after " + retries + " retries while its port was held" : ""));
                return;
            } catch (RuntimeException e) {
                if (!e.getClass().getSimpleName().equals("PortTakenException") || System.nanoTime() > deadline) {
                    throw e;
                }
                retries++;
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
