package io.sdclr.steps.internal.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Gives freed native memory (libtorch's tensors, freed by glibc's malloc) back to the operating system. The
 * launcher tunes malloc to keep freed memory for reuse (a training step's buffers would otherwise be unmapped and
 * mapped again every iteration), so without this a process's resident memory stays at the largest any step ever
 * needed. Called between steps, never inside one.
 *
 * <pre>{@code
 * NativeMemory.release(); // malloc_trim(0): every arena, not only the top of the heap
 * }</pre>
 */
public final class NativeMemory {
    private static volatile CLib libc;
    private static volatile boolean unavailable;

    private NativeMemory() {}

    /** glibc. */
    interface CLib extends Library {
        int malloc_trim(long pad);
    }

    /** Returns freed heap memory of every malloc arena to the system; false where there is no glibc. */
    public static boolean release() {
        if (unavailable) {
            return false;
        }
        try {
            CLib c = libc;
            if (c == null) {
                c = Native.load("c", CLib.class);
                libc = c;
            }
            c.malloc_trim(0);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            unavailable = true; // not glibc (musl, macOS): nothing to do
            return false;
        }
    }
}
