package io.sdclr.pipeline.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows the progress files of the steps of a running wave and prints each new complete line to the user's
 * terminal as {@code STEP: line}. Steps write them wherever they run (the client's JVM, a Flink TaskManager on
 * the same file system as the store), so progress reaches the user on every runner.
 */
final class ProgressFollower implements AutoCloseable {
    private static final long POLL_MS = 250;

    private final Map<String, Path> files;
    private final Map<String, Long> offsets = new LinkedHashMap<>();
    private final Consumer<String> console;
    private final Thread thread;
    private volatile boolean stop;

    /** Starts following {@code files} (step name to file) from their current end. */
    ProgressFollower(Map<String, Path> files, Consumer<String> console) {
        this.files = new LinkedHashMap<>(files);
        this.console = console;
        files.keySet().forEach(s -> offsets.put(s, 0L));
        thread = new Thread(this::loop, "sdclr-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stop) {
            poll();
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void poll() {
        for (Map.Entry<String, Path> e : files.entrySet()) {
            Path f = e.getValue();
            if (!Files.isRegularFile(f)) {
                continue;
            }
            long from = offsets.get(e.getKey());
            try (SeekableByteChannel ch = Files.newByteChannel(f)) {
                long len = ch.size();
                if (len <= from) {
                    continue;
                }
                ByteBuffer bb = ByteBuffer.allocate((int) Math.min(len - from, 1 << 20));
                ch.position(from);
                while (bb.hasRemaining() && ch.read(bb) > 0) {
                    // fill
                }
                byte[] buf = java.util.Arrays.copyOf(bb.array(), bb.position());
                int end = lastNewline(buf);
                if (end < 0) {
                    continue;
                }
                String text = new String(buf, 0, end, StandardCharsets.UTF_8);
                for (String line : text.split("\n", -1)) {
                    console.accept(e.getKey() + ": " + line);
                }
                offsets.put(e.getKey(), from + end + 1);
            } catch (IOException ex) {
                // A half-written file is read again at the next poll.
            }
        }
    }

    private static int lastNewline(byte[] buf) {
        for (int i = buf.length - 1; i >= 0; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Prints what is left and stops. */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
    }
}
