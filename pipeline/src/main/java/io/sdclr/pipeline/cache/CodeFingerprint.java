package io.sdclr.pipeline.cache;

import io.sdclr.pipeline.store.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A hash of the bytecode of every class in the packages of a step's code classes (not sub-packages), read
 * from the directory or jar each class was loaded from. Editing any class of those packages changes the
 * fingerprint and re-runs the step; rebuilding unchanged sources with the same compiler does not.
 */
public final class CodeFingerprint {
    private static final Map<String, String> BY_PACKAGE = new ConcurrentHashMap<>();

    private CodeFingerprint() {}

    public static String of(Collection<Class<?>> classes) {
        TreeMap<String, String> packages = new TreeMap<>();
        for (Class<?> c : classes) {
            packages.put(c.getPackageName() + "@" + location(c), ofPackage(c));
        }
        MessageDigest md = Hashing.sha256();
        packages.forEach((k, v) -> md.update((k.substring(0, k.indexOf('@')) + "=" + v + "\n").getBytes()));
        return Hashing.hex(md.digest());
    }

    private static String location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs == null ? "unknown" : cs.getLocation().toString();
    }

    static String ofPackage(Class<?> anchor) {
        String key = anchor.getPackageName() + "@" + location(anchor);
        return BY_PACKAGE.computeIfAbsent(key, k -> compute(anchor));
    }

    private static String compute(Class<?> anchor) {
        String pkgPath = anchor.getPackageName().replace('.', '/');
        TreeMap<String, byte[]> classes = new TreeMap<>();
        try {
            CodeSource cs = anchor.getProtectionDomain().getCodeSource();
            if (cs == null) {
                throw new IllegalStateException("no code source for " + anchor.getName());
            }
            URL url = cs.getLocation();
            Path loc = Path.of(url.toURI());
            if (Files.isDirectory(loc)) {
                Path dir = loc.resolve(pkgPath);
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path p : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                        classes.put(p.getFileName().toString(), Files.readAllBytes(p));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(loc.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        String n = e.getName();
                        if (n.startsWith(pkgPath + "/") && n.endsWith(".class")
                                && n.indexOf('/', pkgPath.length() + 1) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                classes.put(n.substring(pkgPath.length() + 1), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bytecode of package " + anchor.getPackageName(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        MessageDigest md = Hashing.sha256();
        classes.forEach((name, bytes) -> {
            md.update(name.getBytes());
            md.update(Hashing.sha256().digest(bytes));
        });
        return Hashing.hex(md.digest());
    }
}
