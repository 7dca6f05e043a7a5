package dev.aegis.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.aegis.model.ModelCard;
import dev.aegis.model.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the Bike / Car / Ship demo model from the folder-per-class dataset demo-data renders
 * (icon and emoji artwork, see its NOTICE), bounded to a few minutes on two cores.
 */
@Command(name = "demo-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains the Bike/Car/Ship demo model from the demo-data folder and writes OUT/aegis-demo/<version>/.")
final class DemoModelCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "demo-data output folder (one sub-folder per class, splits.json)")
    Path data;
    @Option(names = "--out", required = true, description = "output folder; the model goes to OUT/aegis-demo/<version>/")
    Path out;
    @Option(names = "--model-version", description = "model version (default: UTC timestamp)")
    String version;
    @Option(names = "--size", defaultValue = "64", description = "input side in pixels (default ${DEFAULT-VALUE})")
    int size;
    @Option(names = "--quiet", description = "no progress bars")
    boolean quiet;
    @Mixin
    TrainerCommand.TrainingOptions training = new TrainerCommand.TrainingOptions();

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("demo dataset folder not found: " + data
                    + " (generate it with the demo-data command first)");
        }
        PrintProgress log = new PrintProgress(System.err, quiet);
        TrainingConfig config = training.toConfig(8);
        DataLoaders.Splits splits = DataLoaders.folder(data, new ModelCard.Input(size, size, 3, 0, 1), config.seed(),
                true, log);
        String v = version != null ? version : TrainerCommand.timestampVersion();
        Path modelDir = out.resolve("aegis-demo").resolve(v);
        Path reportDir = out.resolve("aegis-demo").resolve(v + "-report");
        Pipeline.Result r = Pipeline.run(splits, new Pipeline.Options("aegis-demo", v, config,
                Augmentation.parse("flip,shift,color", size), new double[] {0, 0.01, 0.02, 0.05, 0.1}, 10, 300, 0.05,
                0.05, modelDir, reportDir, "aegis demo-data (bike/car/ship)",
                "Bike/Car/Ship icon and emoji artwork from open-source icon sets (npm @iconify/json), rendered with "
                        + "augmentation onto varied backgrounds by the demo-data module; see its NOTICE.txt. "
                        + "Not photographs: accuracy on real photos is lower."),
                log);
        System.out.println(modelDir);
        log.line(String.format("demo model %s: test accuracy %.3f", v, r.card().metrics().get("test_accuracy")));
        return 0;
    }
}
