package io.sdclr.dsl;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The side files of an input artifact (model parameters referenced by name from its records), as a typed handle:
 * a step asks for a file by the name its record gives, never for a directory.
 *
 * <pre>{@code
 * Encoder e = in.record(encoder);
 * Path params = in.files(encoder).path(e.getParamsFile());
 * }</pre>
 */
public final class InputFiles implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String artifact;
    private final String dir;

    /** The files of {@code artifact} (a description for messages) kept in {@code dir}. */
    public InputFiles(String artifact, Path dir) {
        this.artifact = artifact;
        this.dir = dir.toString();
    }

    /** The side file {@code name}; a name that leaves the artifact ({@code ..}, absolute) is refused. */
    public Path path(String name) {
        return child(parse(dir), name);
    }

    /**
     * A path as {@link Path#toString} printed it: a local path, or the URI of a path on another file system (the
     * store on {@code hdfs://}), which is found through the installed file system providers.
     */
    static Path parse(String path) {
        return URI_SCHEME.matcher(path).lookingAt() ? Path.of(URI.create(path)) : Path.of(path);
    }

    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+://");

    static Path child(Path dir, String name) {
        Path p = dir.resolve(name).normalize();
        if (Path.of(name).isAbsolute() || !p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
            throw new IllegalArgumentException("side file name \"" + name + "\" must be a plain relative name");
        }
        return p;
    }

    @Override
    public String toString() {
        return "files of " + artifact;
    }
}
