package dev.aegis.trainer;

import java.io.PrintStream;

/** A one-line progress bar on stderr (redrawn with \r) plus plain log lines. */
public final class PrintProgress {

    private final PrintStream out;
    private final boolean quiet;
    private boolean open;
    private long lastDraw;

    public PrintProgress(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    public void bar(String what, long done, long total, String suffix) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        out.print("\r" + what + " [" + "=".repeat(filled) + (filled < width ? ">" : "")
                + " ".repeat(Math.max(0, width - filled - 1)) + "] " + done + "/" + total + " " + suffix + "   ");
        out.flush();
        open = true;
    }

    public void endBar() {
        if (open) {
            out.println();
            open = false;
        }
    }

    public void line(String s) {
        endBar();
        out.println(s);
        out.flush();
    }
}
