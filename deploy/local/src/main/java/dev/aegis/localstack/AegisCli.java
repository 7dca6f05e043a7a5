package dev.aegis.localstack;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The Java half of ./aegis: up, down, status. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "aegis", mixinStandardHelpOptions = true,
        description = "Runs the Aegis platform locally on real servers (state in .aegis/ or $AEGIS_STATE).",
        subcommands = {AegisCli.Up.class, AegisCli.Down.class, AegisCli.Status.class, AegisCli.Preflight.class})
public final class AegisCli implements Callable<Integer> {

    static Path root() {
        String root = System.getProperty("aegis.root", System.getenv().getOrDefault("AEGIS_ROOT", "."));
        return Path.of(root).toAbsolutePath().normalize();
    }

    static LocalStack stack() {
        return new LocalStack(root(), System.getenv());
    }

    static void say(String line) {
        synchronized (System.out) {
            System.out.println("  " + line);
            System.out.flush();
        }
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    @Command(name = "up", description = "Start the servers and the built services; wait until healthy.")
    static final class Up implements Callable<Integer> {
        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            LocalStack stack = stack();
            try {
                stack.up(AegisCli::say);
            } catch (StartupException e) {
                System.err.println("aegis up FAILED - " + e.getMessage());
                return 1;
            }
            System.out.printf("%nAegis is up in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
            SpringBootService portal = stack.portal();
            if (portal.isBuilt()) {
                System.out.println("  Portal:      " + portal.url());
            } else {
                System.out.println("  Portal:      (gateway not built yet) " + portal.url());
            }
            System.out.println("  Test login:  demo / demo-Passw0rd!   (admin: admin / admin-Passw0rd!)");
            System.out.println("  Status:      ./aegis status     Logs: ./aegis logs <component>     Stop: ./aegis down");
            return 0;
        }
    }

    @Command(name = "down", description = "Stop everything (TERM, then KILL after 20 s). State is kept.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            stack().down(AegisCli::say);
            return 0;
        }
    }

    @Command(name = "status", description = "Each component with its URL and health; exit 0 only when all are healthy.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            return stack().status(line -> System.out.println(line)) ? 0 : 1;
        }
    }

    @Command(name = "preflight", hidden = true, description = "Check the ports up needs (before the demo model is built).")
    static final class Preflight implements Callable<Integer> {
        @Override
        public Integer call() {
            try {
                stack().preflight(line -> { });
                return 0;
            } catch (StartupException e) {
                System.err.println("aegis up FAILED - " + e.getMessage());
                return 1;
            }
        }
    }

    public static void main(String[] args) {
        int code = new CommandLine(new AegisCli()).execute(args);
        System.exit(code);
    }
}
