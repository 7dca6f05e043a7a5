package dev.aegis.adversarial.attack;

import java.util.List;

/**
 * The epsilon choices of the seed application's form ("intensité du floutage"), so the portal
 * can offer the same menu. The seed's form labels and submitted values disagreed (the option
 * shown as 0.2 sent 0.1, 0.4 sent 0.2, 0.7 sent 0.9) and it added noise in the [-1, 1] input
 * scale; we use the values the user saw, in pixel scale [0, 1], and keep what the seed sent.
 */
public final class Presets {

    /** One menu entry; {@code seedSubmitted} is what the seed's form actually posted. */
    public record Preset(String id, String label, String seedLabel, double epsilon, double seedSubmitted) {
    }

    public static final List<Preset> SEED = List.of(
            new Preset("too-weak", "0.1 (too weak)", "0.1(trop faible)", 0.1, 0.1),
            new Preset("very-weak", "0.2 (very weak)", "0.2 (Trés Faible)", 0.2, 0.1),
            new Preset("weak", "0.4 (weak)", "0.4 (Faible)", 0.4, 0.2),
            new Preset("medium", "0.5 (medium)", "0.5 (moyen)", 0.5, 0.5),
            new Preset("strong", "0.6 (strong)", "0.6 (Fort)", 0.6, 0.6),
            new Preset("very-strong", "0.7 (very strong)", "0.7 (Très Fort)", 0.7, 0.9));

    private Presets() {
    }
}
