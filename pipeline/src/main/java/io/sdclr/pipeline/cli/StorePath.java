package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * {@code --store}: a local folder, or {@code hdfs://NAMENODE:PORT/PATH}. Checked before anything runs: a store that
 * cannot be reached is an input error naming the URI and what to do.
 *
 * <pre>{@code
 * @Option(names = "--store", converter = StorePath.class) Path store;
 * StorePath.checkReachable("--store", store);
 * }</pre>
 */
final class StorePath implements CommandLine.ITypeConverter<Path> {
    private static final Pattern URI_SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+)://");

    @Override
    public Path convert(String value) {
        var m = URI_SCHEME.matcher(value);
        if (!m.lookingAt()) {
            return Path.of(value);
        }
        String scheme = m.group(1).toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "hdfs" -> {
                URI uri;
                try {
                    uri = URI.create(value);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.TypeConversionException("not a valid URI (" + e.getMessage() + ")");
                }
                if (uri.getHost() == null || uri.getPort() < 0 || uri.getPath() == null || uri.getPath().length() < 2) {
                    throw new CommandLine.TypeConversionException("expected hdfs://NAMENODE:PORT/PATH, e.g. "
                            + "hdfs://localhost:9000/sdclr/store (what infra/hdfs start prints, plus a folder)");
                }
                return Path.of(uri);
            }
            case "s3", "s3a" -> throw new CommandLine.TypeConversionException("S3 stores are not supported by this "
                    + "build: S3 has no atomic rename and no exclusive create, which the store's commits and leases "
                    + "need (see docs/scaling.md); use an hdfs:// store or a shared folder");
            default -> throw new CommandLine.TypeConversionException("unknown scheme " + scheme
                    + "://; expected a local folder or hdfs://NAMENODE:PORT/PATH");
        }
    }

    /** A store on another file system (HDFS) must answer now: exit 2 with the reason otherwise. */
    static void checkReachable(String option, Path store) {
        if (store.getFileSystem() == FileSystems.getDefault()) {
            return;
        }
        try {
            Files.readAttributes(store.getRoot(), BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("%s %s: cannot reach HDFS at %s (%s); is the NameNode running (infra/hdfs "
                    + "status) and are host and port right?", option, store,
                    store.getRoot().toString().replaceAll("/$", ""), reason(e));
        }
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
        }
        String msg = String.valueOf(e.getMessage());
        int cut = msg.indexOf(';');
        return (cut > 0 ? msg.substring(0, cut) : msg).lines().findFirst().orElse(msg);
    }
}
