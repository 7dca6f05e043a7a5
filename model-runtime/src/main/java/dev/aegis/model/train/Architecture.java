package dev.aegis.model.train;

/** Network families the trainer can build. */
public enum Architecture {
    /**
     * Default: conv(3x3)+ReLU+max-pool stages (32, 64, 128 filters) until the map is at most 8x8,
     * a 128-unit dense layer with dropout, softmax. ~0.1-1 M parameters.
     */
    COMPACT_CNN,
    /**
     * EfficientNet-B0-style: stem conv, MBConv blocks (1x1 expansion, depthwise 3x3, squeeze-and-
     * excitation, 1x1 projection, residual) with swish, global average pooling, dropout. Scaled
     * down (width 0.5, one block per stage) so it trains on a CPU; no batch normalisation.
     */
    EFFICIENTNET_B0
}
