package io.sdclr.steps.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Class names of the datasets whose label order is standard, keyed by the dataset name workflows pass to {@link
 * WriteReport#describing}: {@code fashion-mnist}, {@code cifar10}, {@code cifar100}. Other datasets ({@code
 * imagenet-100}, toy data) are shown by class id.
 *
 * <pre>{@code
 * ClassNames.of("cifar10").orElseThrow().get(3);   // "cat"
 * }</pre>
 */
final class ClassNames {

    private static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    // The fine labels in the order of CIFAR-100's meta file (alphabetical), label i is the i-th name.
    private static final List<String> CIFAR100 = List.of(
            "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
            "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
            "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
            "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
            "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
            "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck",
            "pine_tree",
            "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
            "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
            "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
            "tractor",
            "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm");

    private static final Map<String, List<String>> BY_DATASET =
            Map.of("fashion-mnist", FASHION_MNIST, "cifar10", CIFAR10, "cifar100", CIFAR100);

    private ClassNames() {}

    /** The names indexed by class id, or empty when the dataset's names are not known here. */
    static Optional<List<String>> of(String dataset) {
        return Optional.ofNullable(BY_DATASET.get(dataset));
    }

    /**
     * The display name of every class of a report on {@code dataset} with {@code numClasses} classes: the known names,
     * else the class ids.
     *
     * @throws IllegalArgumentException when the dataset's names are known but their number differs
     */
    static List<String> forReport(String dataset, int numClasses) {
        Optional<List<String>> names = of(dataset);
        if (names.isPresent()) {
            if (names.get().size() != numClasses) {
                throw new IllegalArgumentException("dataset " + dataset + " has " + names.get().size()
                        + " classes, but the results have " + numClasses);
            }
            return names.get();
        }
        String[] ids = new String[numClasses];
        for (int c = 0; c < numClasses; c++) {
            ids[c] = Integer.toString(c);
        }
        return List.of(ids);
    }
}
