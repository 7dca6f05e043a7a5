package dev.aegis.model;

/**
 * CPU threading and batching of one loaded model.
 *
 * @param intraOpThreads threads inside one op (0 = TensorFlow's choice: all cores)
 * @param interOpThreads ops run in parallel (0 = TensorFlow's choice)
 * @param maxBatch       largest batch sent to TensorFlow at once; bigger requests are split
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads, int maxBatch) {
    public RuntimeOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0");
        }
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("maxBatch must be in 1..4096");
        }
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, 0, 64);
    }

    public static RuntimeOptions threads(int intraOpThreads) {
        return new RuntimeOptions(intraOpThreads, 1, 64);
    }

    org.tensorflow.proto.ConfigProto toConfigProto() {
        return org.tensorflow.proto.ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .build();
    }
}
