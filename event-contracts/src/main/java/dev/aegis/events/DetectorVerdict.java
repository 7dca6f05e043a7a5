package dev.aegis.events;

/** The adversarial-example detector's verdict on one image: score above threshold means flagged. */
public record DetectorVerdict(double score, double threshold, boolean flagged) {
}
