package dev.aegis.model;

/**
 * Cross-entropy loss of each input for a label, and its gradient with respect to the input
 * (in the model's value range, same layout as the input).
 */
public record LossGradient(float[] loss, float[][] gradient) {
}
