package io.sdclr.pipeline.store.hdfs;

import io.sdclr.pipeline.store.remote.RemoteFileSystem;
import java.io.IOException;
import org.apache.hadoop.fs.FileContext;

/** One HDFS namespace ({@code hdfs://AUTHORITY}) as a {@link java.nio.file.FileSystem}, over Hadoop's own client. */
final class HadoopNioFileSystem extends RemoteFileSystem {
    private final org.apache.hadoop.fs.FileSystem hadoop;
    private final FileContext context;

    HadoopNioFileSystem(HadoopFileSystemProvider provider, String authority, org.apache.hadoop.fs.FileSystem hadoop,
            FileContext context) {
        super(provider, authority);
        this.hadoop = hadoop;
        this.context = context;
    }

    org.apache.hadoop.fs.FileSystem hadoop() {
        return hadoop;
    }

    FileContext context() {
        return context;
    }

    @Override
    protected void closeClient() throws IOException {
        hadoop.close();
    }
}
