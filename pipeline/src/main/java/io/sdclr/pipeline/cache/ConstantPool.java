package io.sdclr.pipeline.cache;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The constant pool of a JVM class file (JVMS §4.4), reduced to what {@link CodeFingerprint} needs: the
 * CONSTANT_Utf8 strings and the names of the CONSTANT_Class entries. Only the header and the pool are read, so
 * whatever follows the pool (fields, methods, attributes) is never looked at.
 *
 * @param utf8 the CONSTANT_Utf8 strings in pool order
 * @param classNames the names of the CONSTANT_Class entries in pool order, internal form ({@code a/b/C},
 *     or an array descriptor such as {@code [La/b/C;})
 */
record ConstantPool(List<String> utf8, List<String> classNames) {
    private static final int MAGIC = 0xCAFEBABE;
    /** A class type inside a descriptor or generic signature: {@code La/b/C;} or {@code La/b/C<...>;}. */
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile(
            "L(\\p{javaJavaIdentifierPart}+(?:/\\p{javaJavaIdentifierPart}+)+)[;<]");

    static ConstantPool parse(byte[] classFile) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a class file (bad magic)");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] strings = new String[count];
            int[] classNameIndex = new int[count];
            int classes = 0;
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings[i] = in.readUTF(); // Utf8: u2 length + modified UTF-8, as readUTF expects
                    case 3, 4 -> in.readInt(); // Integer, Float
                    case 5, 6 -> { // Long, Double take two slots
                        in.readLong();
                        i++;
                    }
                    case 7 -> classNameIndex[classes++] = in.readUnsignedShort(); // Class
                    case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                    case 9, 10, 11, 12, 17, 18 -> in.readInt(); // Field/Method/InterfaceMethodref, NameAndType,
                    // Dynamic, InvokeDynamic: two u2 each
                    case 15 -> { // MethodHandle: u1 kind + u2 reference
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + i);
                }
            }
            List<String> utf8 = new ArrayList<>();
            for (String s : strings) {
                if (s != null) {
                    utf8.add(s);
                }
            }
            List<String> names = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                String name = classNameIndex[c] < count ? strings[classNameIndex[c]] : null;
                if (name == null) {
                    throw new IllegalArgumentException("CONSTANT_Class points at no Utf8 entry");
                }
                names.add(name);
            }
            return new ConstantPool(List.copyOf(utf8), List.copyOf(names));
        } catch (IOException e) { // only EOFException: the bytes end inside the pool
            throw new UncheckedIOException("truncated class file", e);
        }
    }

    /**
     * Every class this pool names, internal form, no arrays or primitives: the CONSTANT_Class names (array
     * descriptors reduced to their element class) and every {@code La/b/C;} inside a Utf8 string (field and method
     * descriptors, generic signatures, annotation types). It over-approximates (a string literal that looks like a
     * descriptor counts too), which is the safe side for a cache key.
     */
    Set<String> references() {
        Set<String> refs = new TreeSet<>();
        for (String name : classNames) {
            String element = name.replaceFirst("^\\[+", "");
            if (element.length() == name.length()) {
                refs.add(name);
            } else if (element.startsWith("L") && element.endsWith(";")) {
                refs.add(element.substring(1, element.length() - 1));
            } // else an array of a primitive type
        }
        for (String s : utf8) {
            Matcher m = TYPE_IN_DESCRIPTOR.matcher(s);
            while (m.find()) {
                refs.add(m.group(1));
            }
        }
        return refs;
    }
}
