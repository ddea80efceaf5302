package io.sdclr.pipeline.run;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Which sdclr code a JVM runs: a SHA-256 over the content of the sdclr entries of a class path (class directories
 * and {@code sdclr-*.jar}s; third-party jars are left out). A Flink session cluster started by
 * {@code infra/flink-cluster} runs the code it was started with (jobs ship no jars), so the script records this id in
 * the cluster's configuration ({@value #CONFIG_KEY}) and the client refuses to submit to a cluster whose id differs
 * from its own: a step computed with other code would be cached under this code's key.
 *
 * <pre>{@code
 * java -cp "$CP" io.sdclr.pipeline.run.CodeId     # prints the id of that class path
 * String mine = CodeId.current();
 * }</pre>
 */
public final class CodeId {
    /** The Flink configuration key the cluster script writes. */
    public static final String CONFIG_KEY = "sdclr.code-id";

    private CodeId() {}

    /** The id of this JVM's class path. */
    public static String current() {
        return of(System.getProperty("java.class.path", ""));
    }

    /** The id of a class path ({@link File#pathSeparator}-separated, wildcards already expanded). */
    public static String of(String classPath) {
        // label (path inside a class directory, or the jar's name) -> file; sorted, so entry order does not matter
        java.util.TreeMap<String, Path> files = new java.util.TreeMap<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath().normalize();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .forEach(f -> files.put(p.relativize(f).toString().replace(File.separatorChar, '/') + "@"
                                    + module(p), f));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p, e);
                }
            } else if (name.startsWith("sdclr-") && name.endsWith(".jar") && Files.isRegularFile(p)) {
                files.put(name, p);
            }
        }
        try {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (java.util.Map.Entry<String, Path> e : files.entrySet()) {
                MessageDigest one = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(e.getValue())) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        one.update(buf, 0, n);
                    }
                }
                all.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                all.update((byte) 0);
                all.update(one.digest());
            }
            return HexFormat.of().formatHex(all.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class path to identify the code", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code steps} for {@code .../steps/target/classes}: which module a class directory belongs to. */
    private static String module(Path classDir) {
        Path target = classDir.getParent();
        Path module = target == null ? null : target.getParent();
        return module == null || module.getFileName() == null ? "" : module.getFileName().toString();
    }

    public static void main(String[] args) {
        System.out.println(args.length > 0 ? of(args[0]) : current());
    }
}
