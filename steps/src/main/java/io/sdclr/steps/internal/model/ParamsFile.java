package io.sdclr.steps.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.sdclr.dsl.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The encoder parameters file: every parameter and BatchNorm running statistic of a {@link DualBranchResNet}
 * (both BN sets, and the head), by name. Own format rather than DJL's {@code saveParameters} because the
 * network is not a {@code Block}; it is byte-for-byte a function of the values, so equal values give equal
 * digests.
 *
 * <pre>{@code
 * String sha = ParamsFile.write(net, Path.of("encoder.params"));
 * ParamsFile.read(otherNet, Path.of("encoder.params")); // same spec required
 * }</pre>
 *
 * <p>Layout: int magic "SDCP", int version, UTF spec, int count, then per tensor UTF name, int rank,
 * long[rank] dims, float32 little-endian values.
 */
public final class ParamsFile {
    static final int MAGIC = 0x53444350;
    static final int VERSION = 1;

    private ParamsFile() {}

    /** Writes the parameters atomically (temp file + rename); returns the hex SHA-256 of the file. */
    public static String write(DualBranchResNet net, Path file) {
        return writeAtomically(file, out -> {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(net.spec().toString());
            writeTensors(out, all(net));
        });
    }

    /** Loads a file written by {@link #write} into {@code net}, which must have been built from the same spec. */
    public static void read(DualBranchResNet net, Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new InvalidInputException("%s is not an sdclr encoder parameters file (bad magic)", file);
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new InvalidInputException("%s has format version %d, expected %d", file, version, VERSION);
            }
            String spec = in.readUTF();
            if (!spec.equals(net.spec().toString())) {
                throw new InvalidInputException("%s was written for %s, but the encoder spec is %s", file, spec,
                        net.spec());
            }
            readTensors(in, all(net), file.toString());
        } catch (EOFException e) {
            throw new InvalidInputException(e, "%s is truncated", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Parameters then buffers, each in the network's fixed order. */
    static Map<String, NDArray> all(DualBranchResNet net) {
        Map<String, NDArray> all = new LinkedHashMap<>(net.parameters());
        all.putAll(net.buffers());
        return all;
    }

    /** Something that writes the body of a file. */
    @FunctionalInterface
    public interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Writes {@code file} through a temp file in the same directory and an atomic rename; returns its SHA-256. */
    public static String writeAtomically(Path file, Body body) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            MessageDigest md = sha256();
            try (OutputStream os = Files.newOutputStream(tmp);
                    DataOutputStream out = new DataOutputStream(
                            new BufferedOutputStream(new DigestOutputStream(os, md), 1 << 16))) {
                body.write(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The write already failed; that error is the one to report.
                }
            }
        }
    }

    /** Writes a count then each named tensor. */
    public static void writeTensors(DataOutputStream out, Map<String, NDArray> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            out.writeUTF(e.getKey());
            long[] dims = a.getShape().getShape();
            out.writeInt(dims.length);
            for (long d : dims) {
                out.writeLong(d);
            }
            float[] v = a.toFloatArray();
            ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(v);
            out.write(bb.array());
        }
    }

    /**
     * Reads tensors written by {@link #writeTensors} into the same-named arrays of {@code into} (in place);
     * names, order and shapes must match exactly.
     */
    public static void readTensors(DataInputStream in, Map<String, NDArray> into, String source) throws IOException {
        int count = in.readInt();
        if (count != into.size()) {
            throw new InvalidInputException("%s holds %d tensors, expected %d", source, count, into.size());
        }
        for (Map.Entry<String, NDArray> e : into.entrySet()) {
            String name = in.readUTF();
            if (!name.equals(e.getKey())) {
                throw new InvalidInputException("%s: tensor \"%s\" where \"%s\" was expected", source, name,
                        e.getKey());
            }
            int rank = in.readInt();
            long[] dims = new long[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readLong();
            }
            NDArray target = e.getValue();
            if (!new Shape(dims).equals(target.getShape())) {
                throw new InvalidInputException("%s: tensor \"%s\" has shape %s, expected %s", source, name,
                        new Shape(dims), target.getShape());
            }
            byte[] raw = new byte[Math.toIntExact(target.size() * 4)];
            in.readFully(raw);
            float[] v = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            copyInto(target, v);
        }
    }

    /**
     * Overwrites {@code target}'s values in place, keeping its torch-owned storage. {@code NDArray.set} would
     * re-point the tensor at a Java direct buffer, so a resumed run would compute on differently allocated
     * parameters than an uninterrupted one. 0 * w + v is exactly v for the finite values stored here.
     */
    private static void copyInto(NDArray target, float[] v) {
        boolean grad = Torch.gradMode();
        Torch.setGradMode(false); // in-place update of leaves that require grad
        try (NDArray staging = target.getManager().create(v, target.getShape())) {
            target.muli(0f).addi(staging);
        } finally {
            Torch.setGradMode(grad);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
