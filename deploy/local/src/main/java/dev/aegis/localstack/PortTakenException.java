package dev.aegis.localstack;

/** The port a component needs is already in use by another process. */
public class PortTakenException extends StartupException {

    private final int port;

    public PortTakenException(String component, String portName, int port) {
        super(component, "port " + port + " (" + portName + ") is already in use by another process;"
                + " stop that process or choose another port with " + portName + "=<port>");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
