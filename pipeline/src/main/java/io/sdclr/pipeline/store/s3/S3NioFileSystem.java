package io.sdclr.pipeline.store.s3;

import io.sdclr.pipeline.store.remote.RemoteFileSystem;
import software.amazon.awssdk.services.s3.S3Client;

/** One S3 bucket ({@code s3://BUCKET}) as a {@link java.nio.file.FileSystem}, over the AWS SDK's client. */
final class S3NioFileSystem extends RemoteFileSystem {
    private final S3Client client;

    S3NioFileSystem(S3FileSystemProvider provider, String bucket, S3Client client) {
        super(provider, bucket);
        this.client = client;
    }

    String bucket() {
        return authority();
    }

    S3Client client() {
        return client;
    }

    @Override
    protected void closeClient() {
        client.close();
    }
}
