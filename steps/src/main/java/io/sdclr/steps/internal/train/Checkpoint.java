package io.sdclr.steps.internal.train;

import ai.djl.ndarray.NDArray;
import io.sdclr.steps.internal.model.ParamsFile;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resumable training state in {@code checkpoint-epoch-<e>.bin}: the epoch, the loss history, every parameter
 * and BN running statistic (both sets) and the optimizer's momentum buffers by parameter name. Nothing else is
 * needed to continue bit-identically: masks are rebuilt from the weights, and all randomness is derived from
 * (seed, epoch, sample id). A fingerprint of the config and data guards against resuming a different run.
 *
 * <p>Layout: int magic "SDCK", int version, UTF fingerprint, int epoch, int n, float[n] losses, int m, then m
 * times (double kept fraction, float threshold) of the SDCLR mask per epoch (m = 0 for SimCLR), then the tensors of
 * the network and of the optimizer as in {@link ParamsFile#writeTensors}, then the SHA-256 of everything before it.
 * A file whose digest does not match (a flipped byte anywhere: in a tensor, in a name) is never resumed from.
 */
final class Checkpoint {
    static final int MAGIC = 0x5344434B;
    static final int VERSION = 3;
    static final int DIGEST_BYTES = 32;
    private static final Pattern NAME = Pattern.compile("checkpoint-epoch-(\\d+)\\.bin");

    private Checkpoint() {}

    /** Writes the checkpoint of completed epoch {@code epoch} atomically, then deletes older ones. */
    static Path write(Path dir, String fingerprint, int epoch, float[] losses, double[] maskKept,
            float[] maskThreshold, Map<String, NDArray> model, Map<String, NDArray> optimizer) {
        Path file = dir.resolve("checkpoint-epoch-" + epoch + ".bin");
        ParamsFile.writeAtomically(file, raw -> {
            MessageDigest md = sha256();
            DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, md));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeInt(epoch);
            out.writeInt(epoch);
            for (int e = 0; e < epoch; e++) {
                out.writeFloat(losses[e]);
            }
            int m = maskKept.length == 0 ? 0 : epoch;
            out.writeInt(m);
            for (int e = 0; e < m; e++) {
                out.writeDouble(maskKept[e]);
                out.writeFloat(maskThreshold[e]);
            }
            ParamsFile.writeTensors(out, model);
            ParamsFile.writeTensors(out, optimizer);
            out.flush();
            raw.write(md.digest());
        });
        for (Path old : list(dir)) {
            if (!old.equals(file)) {
                try {
                    Files.deleteIfExists(old);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete old checkpoint " + old, e);
                }
            }
        }
        return file;
    }

    /** The newest checkpoint file in {@code dir}, if any. */
    static Optional<Path> newest(Path dir) {
        Path best = null;
        int bestEpoch = -1;
        for (Path p : list(dir)) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches() && Integer.parseInt(m.group(1)) > bestEpoch) {
                bestEpoch = Integer.parseInt(m.group(1));
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Outcome of reading a checkpoint: the completed epoch, or why it cannot be used. */
    record Restored(int epoch, float[] losses, double[] maskKept, float[] maskThreshold, String problem) {}

    /**
     * Reads {@code file} into the given live tensors (in place) when its fingerprint matches; otherwise returns
     * a problem and leaves the tensors untouched (the fingerprint is checked before any tensor is read).
     */
    static Restored read(Path file, String fingerprint, Map<String, NDArray> model, Map<String, NDArray> optimizer) {
        String damage = verify(file);
        if (damage != null) {
            return new Restored(0, null, null, null, damage);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return new Restored(0, null, null, null, "not a checkpoint of this format");
            }
            String fp = in.readUTF();
            if (!fp.equals(fingerprint)) {
                return new Restored(0, null, null, null, "written for a different config or data (" + fp + ")");
            }
            int epoch = in.readInt();
            float[] losses = new float[in.readInt()];
            for (int e = 0; e < losses.length; e++) {
                losses[e] = in.readFloat();
            }
            double[] kept = new double[in.readInt()];
            float[] threshold = new float[kept.length];
            for (int e = 0; e < kept.length; e++) {
                kept[e] = in.readDouble();
                threshold[e] = in.readFloat();
            }
            ParamsFile.readTensors(in, model, file.toString());
            ParamsFile.readTensors(in, optimizer, file.toString());
            return new Restored(epoch, losses, kept, threshold, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file
                    + " (delete it to start over)", e);
        }
    }

    /** Null if the file's trailing SHA-256 matches its content, else what is wrong. */
    static String verify(Path file) {
        try {
            long size = Files.size(file);
            if (size < DIGEST_BYTES) {
                return "damaged: " + size + " bytes, shorter than its digest";
            }
            MessageDigest md = sha256();
            byte[] stored = new byte[DIGEST_BYTES];
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                byte[] buf = new byte[1 << 16];
                long left = size - DIGEST_BYTES;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        return "damaged: shorter than it was a moment ago";
                    }
                    md.update(buf, 0, n);
                    left -= n;
                }
                if (in.readNBytes(stored, 0, DIGEST_BYTES) < DIGEST_BYTES) {
                    return "damaged: its digest is cut short";
                }
            }
            return MessageDigest.isEqual(stored, md.digest()) ? null
                    : "damaged: its SHA-256 does not match its content (a changed byte); training starts over";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-epoch-*.bin")) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(null);
        return out;
    }
}
