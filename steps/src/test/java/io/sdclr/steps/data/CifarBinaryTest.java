package io.sdclr.steps.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.dsl.InvalidInputException;
import io.sdclr.steps.data.CifarBinary.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryTest {

    @TempDir Path dir;

    @Test
    void cifar10RecordsReadBackExactly() throws IOException {
        Path file = CifarFiles.cifar10(dir.resolve("data_batch_1.bin"), 0, 4);
        assertThat(Files.size(file)).isEqualTo(4 * 3073);
        assertThat(CifarBinary.countRecords(file, Format.CIFAR10)).isEqualTo(4);
        List<CifarBinary.Record> all = CifarBinary.read(file, Format.CIFAR10, false, 0, 4);
        assertThat(all).hasSize(4);
        for (int r = 0; r < 4; r++) {
            assertThat(all.get(r).index()).isEqualTo(r);
            assertThat(all.get(r).label()).isEqualTo(CifarFiles.label(0, r, 10));
            assertThat(all.get(r).pixels()).isEqualTo(CifarFiles.pixels(0, r));
        }
    }

    @Test
    void pixelsAreThePlanesOfTheFileInOrder() throws IOException {
        // Byte 1 + 1024 * c + 32 * y + x of a record is channel c (R, G, B), row y, column x: already CHW.
        byte[] record = new byte[3073];
        record[0] = 7;
        record[1 + 1024 * 2 + 32 * 5 + 9] = (byte) 200;   // blue, y 5, x 9
        Path file = Files.write(dir.resolve("test_batch.bin"), record);
        CifarBinary.Record r = CifarBinary.read(file, Format.CIFAR10, false, 0, 1).get(0);
        assertThat(r.label()).isEqualTo(7);
        assertThat(r.pixels()[2 * 32 * 32 + 5 * 32 + 9] & 0xff).isEqualTo(200);
    }

    @Test
    void readsAnyRangeOfRecords() throws IOException {
        Path file = CifarFiles.cifar10(dir.resolve("b.bin"), 2, 600);   // more than one internal buffer
        List<CifarBinary.Record> some = CifarBinary.read(file, Format.CIFAR10, false, 250, 300);
        assertThat(some).hasSize(300);
        assertThat(some.get(0).index()).isEqualTo(250);
        assertThat(some.get(299).index()).isEqualTo(549);
        assertThat(some.get(299).pixels()).isEqualTo(CifarFiles.pixels(2, 549));
        assertThat(CifarBinary.read(file, Format.CIFAR10, false, 600, 0)).isEmpty();
        assertThrows(IllegalArgumentException.class, () -> CifarBinary.read(file, Format.CIFAR10, false, 590, 11));
    }

    @Test
    void cifar100UsesFineLabelsOrCoarseOnRequest() throws IOException {
        Path file = CifarFiles.cifar100(dir.resolve("train.bin"), 0, 5);
        assertThat(Files.size(file)).isEqualTo(5 * 3074);
        List<CifarBinary.Record> fine = CifarBinary.read(file, Format.CIFAR100, false, 0, 5);
        List<CifarBinary.Record> coarse = CifarBinary.read(file, Format.CIFAR100, true, 0, 5);
        for (int r = 0; r < 5; r++) {
            int expected = CifarFiles.label(0, r, 100);
            assertThat(fine.get(r).label()).isEqualTo(expected);
            assertThat(coarse.get(r).label()).isEqualTo(CifarFiles.coarse(expected));
            assertThat(fine.get(r).pixels()).isEqualTo(CifarFiles.pixels(0, r));
        }
        assertThat(Format.CIFAR100.numClasses(false)).isEqualTo(100);
        assertThat(Format.CIFAR100.numClasses(true)).isEqualTo(20);
    }

    @Test
    void locatesFilesInDataDirOrInTheArchiveFolder() throws IOException {
        CifarFiles.cifar10Set(dir.resolve("flat"));
        assertThat(CifarBinary.locate(dir.resolve("flat"), Format.CIFAR10)).isEqualTo(dir.resolve("flat"));
        CifarFiles.cifar10Set(dir.resolve("top/cifar-10-batches-bin"));
        assertThat(CifarBinary.locate(dir.resolve("top"), Format.CIFAR10))
                .isEqualTo(dir.resolve("top/cifar-10-batches-bin"));
        CifarFiles.cifar100Set(dir.resolve("top/cifar-100-binary"), 2, 2);
        assertThat(CifarBinary.locate(dir.resolve("top"), Format.CIFAR100))
                .isEqualTo(dir.resolve("top/cifar-100-binary"));
    }

    @Test
    void missingFilesAreListedWithTheLayoutAndWhereToGetThem() throws IOException {
        Path top = dir.resolve("top");
        CifarFiles.cifar10Set(top.resolve("cifar-10-batches-bin"));
        Files.delete(top.resolve("cifar-10-batches-bin/data_batch_3.bin"));
        Files.delete(top.resolve("cifar-10-batches-bin/test_batch.bin"));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CifarBinary.locate(top, Format.CIFAR10));
        assertThat(e).hasMessageThat().startsWith("data.dir=" + top + ": missing data_batch_3.bin, test_batch.bin in "
                + top.resolve("cifar-10-batches-bin") + "; expected the CIFAR-10 binary version: data_batch_1.bin,");
        assertThat(e).hasMessageThat().contains("records of 1 label byte + 3072 pixel bytes");
        assertThat(e).hasMessageThat().contains("https://www.cs.toronto.edu/~kriz/cifar.html");
        assertThat(e).hasMessageThat().contains("--set data.dir=");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(InvalidInputException.class, () -> CifarBinary.locate(empty, Format.CIFAR100));
        assertThat(e).hasMessageThat().contains("missing train.bin, test.bin;");
        assertThat(e).hasMessageThat().contains("1 coarse label byte + 1 fine label byte + 3072 pixel bytes");

        e = assertThrows(InvalidInputException.class,
                () -> CifarBinary.locate(dir.resolve("nowhere"), Format.CIFAR10));
        assertThat(e).hasMessageThat().contains("nowhere: no such directory");
        assertThat(e).hasMessageThat().contains("https://www.cs.toronto.edu/~kriz/cifar.html");
    }

    @Test
    void pythonVersionAndPackedArchiveGetAHint() throws IOException {
        Path top = Files.createDirectories(dir.resolve("top/cifar-10-batches-py"));
        Files.write(top.resolve("data_batch_1"), new byte[10]);
        Files.write(dir.resolve("top/cifar-10-binary.tar.gz"), new byte[10]);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CifarBinary.locate(dir.resolve("top"), Format.CIFAR10));
        assertThat(e).hasMessageThat().contains("python version");
        assertThat(e).hasMessageThat().contains("extract it with tar xzf");
    }

    @Test
    void truncatedFileNamesTheFirstIncompleteRecord() throws IOException {
        Path whole = CifarFiles.cifar10(dir.resolve("data_batch_2.bin"), 1, 3);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("data_batch_2.bin"), Arrays.copyOf(bytes, 2 * 3073 + 100));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CifarBinary.countRecords(cut, Format.CIFAR10));
        assertThat(e).hasMessageThat().startsWith(cut + ": truncated:");
        assertThat(e).hasMessageThat().contains("record 2 is incomplete (100 of its 3073 bytes)");
        e = assertThrows(InvalidInputException.class, () -> CifarBinary.read(cut, Format.CIFAR10, false, 0, 1));
        assertThat(e).hasMessageThat().contains("record 2 is incomplete");
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path empty = Files.write(dir.resolve("test.bin"), new byte[0]);
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CifarBinary.countRecords(empty, Format.CIFAR100));
        assertThat(e).hasMessageThat().isEqualTo(empty + ": empty file; expected CIFAR-100 records of 1 coarse"
                + " label byte + 1 fine label byte + 3072 pixel bytes");
    }

    @Test
    void labelOutOfRangeNamesFileRecordValueAndRange() throws IOException {
        Path file = CifarFiles.cifar10(dir.resolve("data_batch_1.bin"), 0, 3);
        byte[] bytes = Files.readAllBytes(file);
        bytes[2 * 3073] = 10;
        Files.write(file, bytes);
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CifarBinary.read(file, Format.CIFAR10, false, 0, 3));
        assertThat(e).hasMessageThat().startsWith(file + ": record 2 has label 10, expected 0..9 (10 classes)");
        // Records before the bad one read fine: the check is per record, not per file.
        assertThat(CifarBinary.read(file, Format.CIFAR10, false, 0, 2)).hasSize(2);

        Path c100 = CifarFiles.cifar100(dir.resolve("train.bin"), 0, 3);
        bytes = Files.readAllBytes(c100);
        bytes[3074 + 1] = (byte) 100;    // fine label of record 1
        Files.write(c100, bytes);
        e = assertThrows(InvalidInputException.class, () -> CifarBinary.read(c100, Format.CIFAR100, false, 0, 3));
        assertThat(e).hasMessageThat().startsWith(c100 + ": record 1 has fine label 100, expected 0..99");
        bytes[3074 + 1] = 5;
        bytes[0] = (byte) 250;           // coarse label of record 0, checked even when fine labels are used
        Files.write(c100, bytes);
        e = assertThrows(InvalidInputException.class, () -> CifarBinary.read(c100, Format.CIFAR100, false, 0, 3));
        assertThat(e).hasMessageThat().startsWith(c100 + ": record 0 has coarse label 250, expected 0..19");
    }

    @Test
    void missingFileIsAnInputError() {
        Path nowhere = dir.resolve("data_batch_1.bin");
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> CifarBinary.countRecords(nowhere, Format.CIFAR10));
        assertThat(e).hasMessageThat().isEqualTo(nowhere + ": no such file");
    }
}
