package io.sdclr.pipeline.cache;

import io.sdclr.pipeline.store.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The code fingerprint of a step: a hash of everything its code can run, so that editing that code re-runs the
 * step and editing anything else does not. It is SHA-256 over the sorted lines
 *
 * <ul>
 *   <li>{@code class <binary name> <sha256 of its bytes>} for every project class ({@code io.sdclr.*}) reachable
 *       from the step class through class-file references: CONSTANT_Class entries (nested and anonymous classes
 *       included, lambdas live in their host class) and the types named in descriptors and generic signatures
 *       (see {@link ConstantPool}), followed transitively;
 *   <li>{@code lib <jar file name>} for every jar holding a non-project class named directly by a reachable
 *       project class (the file name carries the version, e.g. {@code beam-sdks-java-core-2.70.0.jar}); a
 *       non-project class found in a directory contributes {@code lib <binary name> <sha256 of its bytes>};
 *   <li>{@code java <java.specification.version>} when JDK classes are named (they always are).
 * </ul>
 *
 * <p>The bytes come from the class loader of the step class, so class directories and jars work alike, and
 * rebuilding unchanged sources with the same compiler changes nothing. Limits: references that exist only at run
 * time (reflection, {@code Class.forName} on a computed name, {@link java.util.ServiceLoader}, resources) are not
 * seen; a step whose behaviour depends on such code must say so through {@code Step.version()}. Library classes
 * are not walked: a library is identified by its jar name, not its content.
 */
public final class CodeFingerprint {
    private static final String PROJECT = "io/sdclr/";
    private static final Map<Class<?>, String> BY_ROOT = new ConcurrentHashMap<>();

    private CodeFingerprint() {}

    /**
     * The fingerprint of {@code root}'s reachable code; cached, since loaded classes do not change in a run.
     *
     * @throws IllegalArgumentException if {@code root} is not a project class ({@code io.sdclr.*})
     */
    public static String of(Class<?> root) {
        return BY_ROOT.computeIfAbsent(root, r -> hash(lines(r, loaderBytes(loader(r)))));
    }

    /**
     * For tests: the fingerprint of {@code root} with project class bytes from {@code projectClassBytes} (binary
     * name in dot form to class-file bytes, {@code null} if absent); library jars come from {@code root}'s loader.
     * Not cached.
     */
    public static String of(Class<?> root, Function<String, byte[]> projectClassBytes) {
        return hash(lines(root, projectClassBytes));
    }

    /** For tests: the binary names (dot form) of the project classes reachable from {@code root}, sorted. */
    public static SortedSet<String> reachable(Class<?> root, Function<String, byte[]> projectClassBytes) {
        return walk(root, projectClassBytes).keySet().stream()
                .map(n -> n.replace('/', '.'))
                .collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
    }

    /** For tests: {@link #reachable(Class, Function)} with the bytes {@code root}'s class loader serves. */
    public static SortedSet<String> reachable(Class<?> root) {
        return reachable(root, loaderBytes(loader(root)));
    }

    /** For tests: the class-file bytes of a binary name (dot form) as {@code loader} serves them, or null. */
    public static Function<String, byte[]> loaderBytes(ClassLoader loader) {
        return name -> {
            try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bytecode of " + name, e);
            }
        };
    }

    /** The lines that {@link #of} hashes, sorted. */
    static SortedSet<String> lines(Class<?> root, Function<String, byte[]> projectClassBytes) {
        Map<String, Reached> reached = walk(root, projectClassBytes);
        ClassLoader loader = loader(root);
        SortedSet<String> lines = new TreeSet<>();
        Set<String> libraryClasses = new TreeSet<>();
        reached.forEach((name, r) -> {
            lines.add("class " + name.replace('/', '.') + " " + r.sha256());
            libraryClasses.addAll(r.libraryRefs());
        });
        for (String name : libraryClasses) {
            String line = libraryLine(loader, name);
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** A reached project class: the hash of its bytes and the non-project classes it names directly. */
    private record Reached(String sha256, Set<String> libraryRefs) {}

    /** Breadth-first over project classes, internal names ({@code io/sdclr/...}), sorted by name. */
    private static Map<String, Reached> walk(Class<?> root, Function<String, byte[]> bytesOf) {
        Map<String, Reached> reached = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new TreeSet<>();
        String rootName = root.getName().replace('.', '/');
        if (!rootName.startsWith(PROJECT)) {
            throw new IllegalArgumentException(root.getName() + " is not a project class (io.sdclr.*)");
        }
        seen.add(rootName);
        todo.add(rootName);
        while (!todo.isEmpty()) {
            String name = todo.poll();
            byte[] bytes = bytesOf.apply(name.replace('/', '.'));
            if (bytes == null) {
                continue; // named only in a string that looks like a descriptor, or not on this class path
            }
            Set<String> libraryRefs = new TreeSet<>();
            for (String ref : ConstantPool.parse(bytes).references()) {
                if (!ref.startsWith(PROJECT)) {
                    libraryRefs.add(ref);
                } else if (seen.add(ref)) {
                    todo.add(ref);
                }
            }
            reached.put(name, new Reached(Hashing.sha256(bytes), libraryRefs));
        }
        return reached;
    }

    /** The line a non-project class contributes, or null if {@code loader} does not know it. */
    private static String libraryLine(ClassLoader loader, String internalName) {
        URL url = loader.getResource(internalName + ".class");
        if (url == null) {
            return null; // a string that looks like a descriptor, or an optional dependency that is absent
        }
        String s = url.toString();
        return switch (url.getProtocol()) {
            case "jrt" -> "java " + System.getProperty("java.specification.version");
            case "jar" -> {
                String jar = s.substring(0, s.lastIndexOf("!/")); // the innermost jar if nested
                yield "lib " + jar.substring(jar.lastIndexOf('/') + 1);
            }
            default -> "lib " + internalName.replace('/', '.') + " " + Hashing.sha256(read(url));
        };
    }

    private static ClassLoader loader(Class<?> c) {
        return c.getClassLoader() != null ? c.getClassLoader() : ClassLoader.getSystemClassLoader();
    }

    private static byte[] read(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }

    private static String hash(SortedSet<String> lines) {
        MessageDigest md = Hashing.sha256();
        for (String line : lines) {
            md.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Hashing.hex(md.digest());
    }
}
