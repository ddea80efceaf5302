package io.sdclr.pipeline.cache;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sdclr.pipeline.cache.fixture.DescOnly;
import io.sdclr.pipeline.cache.fixture.Root;
import io.sdclr.pipeline.cache.fixture.Sig;
import io.sdclr.pipeline.cache.fixture.Unreachable;
import io.sdclr.pipeline.cache.fixture.WithBeam;
import io.sdclr.pipeline.cache.fixture.WithoutBeam;
import io.sdclr.pipeline.store.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The code fingerprint: constant pool parsing, the reachable project classes, and what does (not) change it. */
class CodeFingerprintTest {
    private static final String FIXTURE = "io.sdclr.pipeline.cache.fixture.";
    private static final Function<String, byte[]> REAL = CodeFingerprint.loaderBytes(Root.class.getClassLoader());

    /** The real bytes, except that {@code edited} gets one more trailing byte (the pool, and so its names, stay). */
    private static Function<String, byte[]> editing(String edited) {
        return name -> {
            byte[] bytes = REAL.apply(name);
            return name.equals(edited) ? Arrays.copyOf(bytes, bytes.length + 1) : bytes;
        };
    }

    @Test
    void parsesEveryConstantPoolTag() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(61);
        out.writeShort(29); // entries 1..28
        out.writeByte(1); out.writeUTF("io/sdclr/A"); // 1
        out.writeByte(7); out.writeShort(1); // 2 Class
        out.writeByte(3); out.writeInt(7); // 3 Integer
        out.writeByte(4); out.writeFloat(1.5f); // 4 Float
        out.writeByte(5); out.writeLong(1L << 40); // 5-6 Long
        out.writeByte(6); out.writeDouble(2.5); // 7-8 Double
        out.writeByte(1); out.writeUTF("(Lio/sdclr/B;[Ljava/util/List;)V"); // 9
        out.writeByte(1); out.writeUTF("m\u00e9thode\u0000"); // 10 (modified UTF-8: two-byte é and NUL)
        out.writeByte(12); out.writeShort(10); out.writeShort(9); // 11 NameAndType
        out.writeByte(9); out.writeShort(2); out.writeShort(11); // 12 Fieldref
        out.writeByte(10); out.writeShort(2); out.writeShort(11); // 13 Methodref
        out.writeByte(11); out.writeShort(2); out.writeShort(11); // 14 InterfaceMethodref
        out.writeByte(15); out.writeByte(6); out.writeShort(13); // 15 MethodHandle
        out.writeByte(16); out.writeShort(9); // 16 MethodType
        out.writeByte(17); out.writeShort(0); out.writeShort(11); // 17 Dynamic
        out.writeByte(18); out.writeShort(0); out.writeShort(11); // 18 InvokeDynamic
        out.writeByte(1); out.writeUTF("some.module"); // 19
        out.writeByte(19); out.writeShort(19); // 20 Module
        out.writeByte(1); out.writeUTF("io/sdclr/pkg"); // 21
        out.writeByte(20); out.writeShort(21); // 22 Package
        out.writeByte(1); out.writeUTF("[[Lio/sdclr/C;"); // 23
        out.writeByte(7); out.writeShort(23); // 24 Class (array of a class)
        out.writeByte(1); out.writeUTF("[I"); // 25
        out.writeByte(7); out.writeShort(25); // 26 Class (array of a primitive)
        out.writeByte(8); out.writeShort(28); // 27 String
        out.writeByte(1); out.writeUTF("Ljava/util/Map<Ljava/lang/String;Lio/sdclr/D$E;>;"); // 28
        out.writeUTF("whatever follows the pool is not read");
        byte[] classFile = buf.toByteArray();

        ConstantPool pool = ConstantPool.parse(classFile);
        assertThat(pool.classNames()).containsExactly("io/sdclr/A", "[[Lio/sdclr/C;", "[I").inOrder();
        assertThat(pool.utf8()).contains("m\u00e9thode\u0000");
        assertThat(pool.utf8()).hasSize(8);
        assertThat(pool.references()).containsExactly("io/sdclr/A", "io/sdclr/B", "io/sdclr/C", "io/sdclr/D$E",
                "java/util/List", "java/util/Map", "java/lang/String");

        byte[] unknownTag = classFile.clone();
        unknownTag[10] = 2; // the tag of entry 1
        assertThrows(IllegalArgumentException.class, () -> ConstantPool.parse(unknownTag));
        assertThrows(UncheckedIOException.class, () -> ConstantPool.parse(Arrays.copyOf(classFile, 40)));
        assertThrows(IllegalArgumentException.class, () -> ConstantPool.parse(new byte[] {1, 2, 3, 4}));
    }

    @Test
    void parsesRealClassesWithWideConstantsLambdasAndRecords() {
        ConstantPool root = ConstantPool.parse(REAL.apply(FIXTURE + "Root"));
        assertThat(root.utf8()).contains("a string constant after the wide ones");
        assertThat(root.classNames()).containsAtLeast("io/sdclr/pipeline/cache/fixture/Helper",
                "io/sdclr/pipeline/cache/fixture/Mode", "io/sdclr/pipeline/cache/fixture/Root$Point");
        // Sig and DescOnly have no CONSTANT_Class entry: only a signature and a descriptor name them
        assertThat(root.classNames()).containsNoneOf("io/sdclr/pipeline/cache/fixture/Sig",
                "io/sdclr/pipeline/cache/fixture/DescOnly");
        assertThat(root.references()).containsAtLeast("io/sdclr/pipeline/cache/fixture/Sig",
                "io/sdclr/pipeline/cache/fixture/DescOnly", "java/util/List", "java/util/function/Supplier");
        // the record's ObjectMethods bootstrap and the enum's constant body
        assertThat(ConstantPool.parse(REAL.apply(FIXTURE + "Root$Point")).references())
                .contains("java/lang/runtime/ObjectMethods");
        assertThat(ConstantPool.parse(REAL.apply(FIXTURE + "Mode")).references())
                .contains("io/sdclr/pipeline/cache/fixture/Mode$1");
    }

    @Test
    void reachableSetIsExact() {
        assertThat(CodeFingerprint.reachable(Root.class)).containsExactly(FIXTURE + "Root", FIXTURE + "Root$Point",
                FIXTURE + "Mode", FIXTURE + "Mode$1", FIXTURE + "Helper", FIXTURE + "Deep", FIXTURE + "Sig",
                FIXTURE + "DescOnly");
        assertThat(CodeFingerprint.reachable(Unreachable.class)).contains(FIXTURE + "Root");
        assertThat(CodeFingerprint.reachable(WithoutBeam.class)).containsExactly(FIXTURE + "WithoutBeam");
    }

    @Test
    void editingAReachableClassChangesTheFingerprint() {
        String before = CodeFingerprint.of(Root.class);
        for (String edited : List.of("Root", "Root$Point", "Mode$1", "Helper", "Deep")) {
            assertThat(CodeFingerprint.of(Root.class, editing(FIXTURE + edited))).isNotEqualTo(before);
        }
    }

    @Test
    void aReferenceOnlyThroughADescriptorOrASignatureCounts() {
        String before = CodeFingerprint.of(Root.class);
        assertThat(CodeFingerprint.of(Root.class, editing(DescOnly.class.getName()))).isNotEqualTo(before);
        assertThat(CodeFingerprint.of(Root.class, editing(Sig.class.getName()))).isNotEqualTo(before);
    }

    @Test
    void editingAnUnreachableClassLeavesItAlone() {
        String before = CodeFingerprint.of(Root.class);
        assertThat(CodeFingerprint.of(Root.class, editing(Unreachable.class.getName()))).isEqualTo(before);
        assertThat(CodeFingerprint.of(Root.class, editing(WithBeam.class.getName()))).isEqualTo(before);
        assertThat(CodeFingerprint.of(Unreachable.class, editing(FIXTURE + "Deep")))
                .isNotEqualTo(CodeFingerprint.of(Unreachable.class));
    }

    @Test
    void isStableAndDeterministic() {
        String first = CodeFingerprint.of(Root.class);
        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(CodeFingerprint.of(Root.class)).isEqualTo(first);
        assertThat(CodeFingerprint.of(Root.class, REAL)).isEqualTo(first); // uncached, recomputed
        assertThat(CodeFingerprint.of(Root.class, editing(FIXTURE + "Deep")))
                .isEqualTo(CodeFingerprint.of(Root.class, editing(FIXTURE + "Deep")));
        assertThat(CodeFingerprint.of(WithoutBeam.class)).isNotEqualTo(first);
    }

    @Test
    void libraryJarNamesAndTheJavaVersionEnterTheHash() {
        SortedSet<String> with = CodeFingerprint.lines(WithBeam.class, REAL);
        SortedSet<String> without = CodeFingerprint.lines(WithoutBeam.class, REAL);
        String java = "java " + System.getProperty("java.specification.version");
        assertThat(with).contains(java);
        assertThat(without).containsExactly(java,
                "class " + WithoutBeam.class.getName() + " " + Hashing.sha256(REAL.apply(WithoutBeam.class.getName())));
        assertThat(with.stream().filter(l -> l.matches("lib beam-sdks-java-core-[0-9.]+\\.jar")).count())
                .isEqualTo(1);
        assertThat(CodeFingerprint.of(WithBeam.class)).isEqualTo(Hashing.sha256(String.join("\n", with) + "\n"));
    }

    @Test
    void aRootOutsideTheProjectIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CodeFingerprint.of(String.class));
    }
}
