package io.sdclr.pipeline.cli;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.pipeline.store.s3.S3FileSystemProvider;
import io.sdclr.pipeline.store.s3.S3Settings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code --store}: a local folder, {@code hdfs://NAMENODE:PORT/PATH} or {@code s3://BUCKET/PATH}. Checked before
 * anything runs: a store that cannot be reached (or, on S3, without credentials or bucket) is an input error naming
 * the URI and what to do.
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
                URI uri = uri(value);
                if (uri.getHost() == null || uri.getPort() < 0 || uri.getPath() == null || uri.getPath().length() < 2) {
                    throw new CommandLine.TypeConversionException("expected hdfs://NAMENODE:PORT/PATH, e.g. "
                            + "hdfs://localhost:9000/sdclr/store (what infra/hdfs start prints, plus a folder)");
                }
                return Path.of(uri);
            }
            case "s3" -> {
                URI uri = uri(value);
                if (uri.getAuthority() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                    throw new CommandLine.TypeConversionException("expected s3://BUCKET/PATH, e.g. s3://sdclr/store "
                            + "(a folder in the bucket; the bucket must exist)");
                }
                return Path.of(uri);
            }
            case "s3a", "s3n" -> throw new CommandLine.TypeConversionException("write s3://BUCKET/PATH: sdclr "
                    + "reaches S3 through the AWS SDK, not Hadoop's " + scheme + " connector");
            default -> throw new CommandLine.TypeConversionException("unknown scheme " + scheme
                    + "://; expected a local folder, hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH");
        }
    }

    private static URI uri(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("not a valid URI (" + e.getMessage() + ")");
        }
    }

    /** A store on another file system (HDFS, S3) must answer now: exit 2 with the reason otherwise. */
    static void checkReachable(String option, Path store) {
        if (store.getFileSystem() == FileSystems.getDefault()) {
            return;
        }
        if (S3FileSystemProvider.isS3(store)) {
            checkS3(option, store);
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

    /** The bucket answers, to these credentials: one HEAD request, within seconds. */
    private static void checkS3(String option, Path store) {
        String bucket = store.toUri().getAuthority();
        String endpoint = S3Settings.endpointName();
        try (S3Client s3 = S3Settings.quickClient(Duration.ofSeconds(10))) {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidInputException("%s %s: bucket %s does not exist at %s; create it first (aws s3 mb "
                        + "s3://%s, or infra/s3 start --bucket %s for a local server)", option, store, bucket,
                        endpoint, bucket, bucket);
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new InvalidInputException("%s %s: %s refused access to bucket %s (HTTP %d); check "
                        + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and the bucket's policy",
                        option, store, endpoint, bucket, e.statusCode());
            }
            throw new InvalidInputException("%s %s: %s answered HTTP %d for bucket %s (%s)", option, store, endpoint,
                    e.statusCode(), bucket, reason(e));
        } catch (SdkClientException e) {
            if (String.valueOf(e.getMessage()).contains("credentials")) {
                throw new InvalidInputException("%s %s: no AWS credentials found; set AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE with ~/.aws/credentials), as for the aws command",
                        option, store);
            }
            throw new InvalidInputException("%s %s: cannot reach S3 at %s (%s); is the server running (infra/s3 "
                    + "status for a local one) and is AWS_ENDPOINT_URL right?", option, store, endpoint, reason(e));
        } catch (RuntimeException e) {
            throw new InvalidInputException("%s %s: cannot use S3 at %s (%s)", option, store, endpoint, reason(e));
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
