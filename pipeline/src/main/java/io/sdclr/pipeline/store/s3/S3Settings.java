package io.sdclr.pipeline.store.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Where S3 is and who we are there, read the way AWS's own tools read it, in every JVM that touches the store (the
 * client, Flink's TaskManagers): credentials from the SDK's default chain ({@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE} and {@code ~/.aws/credentials}, a role on EC2 or EKS), the
 * region from {@code AWS_REGION} or the profile (us-east-1 when none is set), and an S3-compatible server elsewhere
 * (MinIO, s3proxy, Ceph) from {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}, or the system properties
 * {@code aws.endpointUrlS3} / {@code aws.endpointUrl}; such a server is addressed path-style
 * ({@code http://host:port/bucket/key}).
 */
public final class S3Settings {
    private S3Settings() {}

    /** The endpoint override, if one is set. */
    public static Optional<URI> endpoint() {
        for (String p : new String[] {"aws.endpointUrlS3", "aws.endpointUrl"}) {
            String v = System.getProperty(p);
            if (v != null && !v.isBlank()) {
                return Optional.of(URI.create(v.strip()));
            }
        }
        for (String e : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = System.getenv(e);
            if (v != null && !v.isBlank()) {
                return Optional.of(URI.create(v.strip()));
            }
        }
        return Optional.empty();
    }

    /** What {@link #endpoint} names, for messages: the override, or AWS's S3 of the region. */
    public static String endpointName() {
        return endpoint().map(URI::toString).orElse("AWS S3 (" + region().id() + ")");
    }

    private static volatile Region region;

    /** The region, looked up once per JVM (off EC2 with none configured the lookup waits ~0.8 s for EC2's metadata). */
    static Region region() {
        Region r = region;
        if (r == null) {
            try {
                r = new DefaultAwsRegionProviderChain().getRegion();
            } catch (RuntimeException none) {
                r = Region.US_EAST_1;
            }
            region = r;
        }
        return r;
    }

    /** A client builder as configured here. */
    public static S3ClientBuilder builder() {
        S3ClientBuilder b = S3Client.builder()
                .region(region())
                .credentialsProvider(DefaultCredentialsProvider.create());
        endpoint().ifPresent(e -> b.endpointOverride(e).forcePathStyle(true));
        return b;
    }

    /** A client that gives up within {@code timeout} (a reachability check before a run). */
    public static S3Client quickClient(Duration timeout) {
        return builder()
                .overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout)
                        .retryPolicy(r -> r.numRetries(1)))
                .build();
    }

    /**
     * Lets Beam's S3 file system (the steps' Avro records) reach a store on S3 with the same settings. For every
     * pipeline, S3 or not, the region is given: Beam's AWS module otherwise looks it up each time a pipeline's file
     * systems are set up, which off EC2, with no region configured, waits ~0.8 s for EC2's metadata service (11
     * waves of {@code smoke}: 9 s). A store not on S3 gets a fixed region that nothing uses.
     */
    public static void configureBeam(PipelineOptions options, boolean storeOnS3) {
        options.as(AwsOptions.class).setAwsRegion(storeOnS3 ? region() : Region.US_EAST_1);
        if (storeOnS3) {
            options.as(S3Options.class).setS3ClientFactoryClass(BeamClients.class);
        }
    }

    /**
     * Beam's S3 clients, built by {@link S3Settings#builder} in the JVM that uses them. Beam asks for every
     * multipart upload with {@code x-amz-server-side-encryption-bucket-key-enabled: false}, the default, which
     * S3-compatible servers without encryption (s3proxy) refuse: on such a server (an endpoint override) the header
     * is left out.
     */
    public static final class BeamClients implements S3ClientBuilderFactory {
        @Override
        public S3ClientBuilder createBuilder(S3Options options) {
            S3ClientBuilder b = builder();
            if (endpoint().isPresent()) {
                b.overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                            ExecutionAttributes attributes) {
                        SdkHttpRequest r = context.httpRequest();
                        return r.firstMatchingHeader(BUCKET_KEY).filter("false"::equalsIgnoreCase).isPresent()
                                ? r.toBuilder().removeHeader(BUCKET_KEY).build() : r;
                    }
                }));
            }
            return b;
        }
    }

    private static final String BUCKET_KEY = "x-amz-server-side-encryption-bucket-key-enabled";
}
