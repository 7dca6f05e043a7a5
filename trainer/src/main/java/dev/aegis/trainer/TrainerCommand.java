package dev.aegis.trainer;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import dev.aegis.model.ModelCard;
import dev.aegis.model.train.Architecture;
import dev.aegis.model.train.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./aegis train ...}: the command line of the trainer. */
@Command(name = "aegis-trainer", mixinStandardHelpOptions = true, version = "aegis trainer 0.1",
        description = "Trains image classifiers on TensorFlow Java, attacks and defends them, exports SavedModel + model card.",
        subcommands = {TrainerCommand.Train.class, DemoModelCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class TrainerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrainerCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Hyper-parameters shared by train, demo-model and bench. */
    static final class TrainingOptions {
        @Option(names = "--arch", defaultValue = "compact-cnn",
                description = "compact-cnn | efficientnet-b0 (width 0.5, one block per stage) | efficientnet-b0-full (the published B0; slow on a CPU) (default ${DEFAULT-VALUE})")
        String arch;
        @Option(names = "--epochs", description = "maximum epochs (EarlyStopping may stop sooner)")
        Integer epochs;
        @Option(names = "--batch-size", description = "mini-batch size (default 64)")
        Integer batchSize;
        @Option(names = "--lr", description = "initial Adam learning rate (default 1e-3)")
        Double lr;
        @Option(names = "--l2", description = "L2 weight decay on kernels (default 1e-4)")
        Double l2;
        @Option(names = "--dropout", description = "dropout before the classifier (default 0.3)")
        Double dropout;
        @Option(names = "--patience", description = "EarlyStopping patience in epochs (default 4)")
        Integer patience;
        @Option(names = "--seed", defaultValue = "42", description = "seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (0 = all cores)")
        int threads;
        @Option(names = "--adversarial", defaultValue = "none",
                description = "adversarial training: none | fgsm | fgsm-rs (random start, step 1.25 eps) | pgd (default ${DEFAULT-VALUE})")
        String adversarial;
        @Option(names = "--adv-epsilon", defaultValue = "0.1", description = "epsilon of training attacks (default ${DEFAULT-VALUE})")
        double advEpsilon;
        @Option(names = "--adv-ratio", defaultValue = "0.5", description = "share of each batch replaced by adversarial examples (default ${DEFAULT-VALUE})")
        double advRatio;
        @Option(names = "--adv-steps", defaultValue = "7", description = "PGD steps of training attacks (default ${DEFAULT-VALUE})")
        int advSteps;
        @Option(names = "--preset", description = "robust: adversarial training (FGSM, ratio 0.5) + dropout 0.3 + L2 1e-4")
        String preset;

        TrainingConfig toConfig(int defaultEpochs) {
            TrainingConfig d = TrainingConfig.defaults();
            String adv = adversarial;
            double dr = dropout != null ? dropout : d.dropout();
            double wd = l2 != null ? l2 : d.l2();
            if ("robust".equalsIgnoreCase(preset)) {
                if ("none".equalsIgnoreCase(adv)) {
                    adv = "fgsm";
                }
                dr = dropout != null ? dropout : 0.3;
                wd = l2 != null ? l2 : 1e-4;
            } else if (preset != null) {
                throw new IllegalArgumentException("unknown preset '" + preset + "' (robust)");
            }
            Architecture a = switch (arch.toLowerCase()) {
                case "compact-cnn", "cnn" -> Architecture.COMPACT_CNN;
                case "efficientnet-b0", "efficientnet" -> Architecture.EFFICIENTNET_B0;
                case "efficientnet-b0-full" -> Architecture.EFFICIENTNET_B0_FULL;
                default -> throw new IllegalArgumentException("unknown architecture '" + arch + "'");
            };
            TrainingConfig.AdversarialTraining at = TrainingConfig.AdversarialTraining.parse(adv);
            return new TrainingConfig(a, epochs != null ? epochs : defaultEpochs,
                    batchSize != null ? batchSize : d.batchSize(), lr != null ? lr : d.learningRate(), wd, dr, seed,
                    d.lrPatience(), d.lrFactor(), d.minLearningRate(), patience != null ? patience : d.stopPatience(),
                    at, advEpsilon, advRatio, advSteps, threads);
        }
    }

    static String timestampVersion() {
        return LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Trains a model on a folder per class (--data) or IDX files (--idx, e.g. Fashion-MNIST) and "
                    + "exports OUT/<name>/<version>/ (SavedModel + model-card.json) and a report folder.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data", description = "folder with one sub-folder of images per class")
        Path data;
        @Option(names = "--idx", description = "folder with IDX files (train-images-idx3-ubyte.gz, ...), e.g. /usr/share/datasets/fashion-mnist")
        Path idx;
        @Option(names = "--labels", split = ",", description = "label names for --idx (default: Fashion-MNIST's)")
        java.util.List<String> labels;
        @Option(names = "--size", defaultValue = "64", description = "input side for --data images (default ${DEFAULT-VALUE})")
        int size;
        @Option(names = "--channels", defaultValue = "3", description = "1 (grey) or 3 (RGB) for --data (default ${DEFAULT-VALUE})")
        int channels;
        @Option(names = "--random-split", description = "ignore the folder's splits.json and split 80/10/10 stratified")
        boolean randomSplit;
        @Option(names = "--limit-train", defaultValue = "0", description = "use at most N training images (quick runs)")
        int limitTrain;
        @Option(names = "--out", required = true, description = "output folder; the model goes to OUT/<name>/<version>/")
        Path out;
        @Option(names = "--name", defaultValue = "model", description = "model name (default ${DEFAULT-VALUE})")
        String name;
        @Option(names = "--model-version", description = "model version (default: UTC timestamp)")
        String version;
        @Option(names = "--report", description = "report folder (default OUT/<name>/<version>-report)")
        Path report;
        @Option(names = "--augment", defaultValue = "flip,shift,color", description = "flip,shift,color or none (default ${DEFAULT-VALUE})")
        String augment;
        @Option(names = "--epsilons", split = ",", defaultValue = "0,0.02,0.05,0.1,0.2", description = "robustness curve epsilons")
        double[] epsilons;
        @Option(names = "--robust-samples", defaultValue = "1000", description = "test images attacked per epsilon (0 = all)")
        int robustSamples;
        @Option(names = "--detector-fpr", defaultValue = "0.05", description = "false-positive rate of the detector threshold")
        double detectorFpr;
        @Mixin
        DetectorOptions detectorOptions;
        @Option(names = "--quiet", description = "no progress bars")
        boolean quiet;
        @Option(names = {"--backbone", "--init-from"}, paramLabel = "SAVEDMODEL_DIR",
                description = "fine-tune: initialise every variable that also exists in this SavedModel (same name "
                        + "and shape, e.g. a model of the same architecture trained on other data or labels); "
                        + "the others (e.g. the classifier head) start from the seeded initialisation")
        Path backbone;
        @Mixin
        TrainingOptions training = new TrainingOptions();

        @Override
        public Integer call() throws Exception {
            if ((data == null) == (idx == null)) {
                throw new IllegalArgumentException("give exactly one of --data and --idx");
            }
            if (backbone != null && !java.nio.file.Files.isRegularFile(backbone.resolve("saved_model.pb"))) {
                throw new IllegalArgumentException("--backbone " + backbone + " is not a SavedModel folder (no saved_model.pb)");
            }
            Pipeline.DetectorMode detectorMode = detectorOptions.mode();
            PrintProgress log = new PrintProgress(System.err, quiet);
            TrainingConfig config = training.toConfig(20);
            dev.aegis.model.train.DetectorTrainer.Settings learned =
                    detectorOptions.learnedSettings(config.seed(), config.threads());
            DataLoaders.Splits splits;
            String datasetName;
            if (idx != null) {
                splits = DataLoaders.idx(idx, labels != null ? labels : DataLoaders.FASHION_MNIST_LABELS, 5000,
                        config.seed(), limitTrain);
                datasetName = idx.getFileName().toString();
            } else {
                splits = DataLoaders.folder(data, new ModelCard.Input(size, size, channels, 0, 1), config.seed(),
                        !randomSplit, log);
                if (limitTrain > 0) {
                    splits = new DataLoaders.Splits(splits.train().first(limitTrain), splits.validation(),
                            splits.test(), splits.splitMethod());
                }
                datasetName = data.getFileName().toString();
            }
            String v = version != null ? version : timestampVersion();
            Path modelDir = out.resolve(name).resolve(v);
            Path reportDir = report != null ? report : out.resolve(name).resolve(v + "-report");
            Augmentation aug = Augmentation.parse(augment, size);
            Pipeline.Result r = Pipeline.run(splits, new Pipeline.Options(name, v, config, aug, epsilons, 10,
                    robustSamples, 0.1, detectorFpr, modelDir, reportDir, datasetName,
                    "trained with ./aegis train from " + (idx != null ? idx : data), backbone, detectorMode, learned), log);
            System.out.println(Reports.JSON.writer().without(tools.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(java.util.Map.of("model", modelDir.toString(), "report", reportDir.toString(),
                            "metrics", r.card().metrics())));
            return 0;
        }
    }
}
