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
    EFFICIENTNET_B0,
    /**
     * The published EfficientNet-B0 at full width and depth (16 MBConv blocks, 3x3 and 5x5
     * depthwise kernels, 1280-channel head; no batch normalisation, which a served model folds
     * into its convolutions anyway): the seed's model size, ~4 M parameters, about 0.4 GFLOPs per
     * 224x224 image. Too slow to train on a CPU in useful time; the pipeline benchmark serves it
     * to measure the path with a model of the size the platform is meant for.
     */
    EFFICIENTNET_B0_FULL
}
