package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the directories a run writes to ({@code --store}, {@code --out}) before anything runs, so that a bad path
 * is an input error (exit 2, one line) instead of a failure after hours of work.
 *
 * <pre>{@code
 * Locations.checkWritableDirectory("--out", Path.of("sdclr-out/fmnist-lt"));
 * }</pre>
 */
final class Locations {
    private Locations() {}

    /** {@code dir} must be a directory or absent (what only reads the store, like {@code plan}, needs). */
    static void checkNotAFile(String option, Path dir) {
        StorePath.checkReachable(option, dir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidInputException("%s %s: is a file; expected a directory (created if absent)", option,
                    dir);
        }
    }

    /**
     * {@code dir} must be a writable directory, or not exist yet with its nearest existing ancestor a writable
     * directory (it is created when first written to).
     */
    static void checkWritableDirectory(String option, Path dir) {
        checkNotAFile(option, dir);
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new InvalidInputException("%s %s: no part of the path exists", option, dir);
        }
        if (!Files.isDirectory(existing)) {
            throw new InvalidInputException("%s %s: cannot be created because %s is a file, not a directory", option,
                    dir, existing);
        }
        if (!Files.isWritable(existing)) {
            throw new InvalidInputException("%s %s: %s is not writable by this user", option, dir,
                    existing.equals(abs) ? "the directory" : existing);
        }
    }

    /**
     * {@code dir} must be an artifact store (it has the store's artifacts/ and keys/ folders), or empty, or absent: a
     * run must not spread a store's folders over a folder that holds something else (a typo in {@code --store}).
     */
    static void checkStoreOrEmpty(String option, Path dir) {
        if (!Files.isDirectory(dir) || Files.isDirectory(dir.resolve("artifacts")) && Files.isDirectory(
                dir.resolve("keys"))) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            java.util.List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(3).toList();
            if (!names.isEmpty()) {
                throw new InvalidInputException("%s %s: not an artifact store (no artifacts/ and keys/ folders) and "
                        + "not empty (%s%s); give the store's folder, an empty one or a new one", option, dir,
                        String.join(", ", names), names.size() == 3 ? ", ..." : "");
            }
        } catch (java.io.IOException e) {
            throw new InvalidInputException("%s %s: cannot list it (%s)", option, dir, e.getMessage());
        }
    }
}
