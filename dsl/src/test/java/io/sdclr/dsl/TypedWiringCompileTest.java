package io.sdclr.dsl;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wiring an artifact of the wrong type is a compile error, not a run-time one. */
class TypedWiringCompileTest {
    @TempDir java.nio.file.Path out;

    private static final String TEMPLATE = """
            import io.sdclr.dsl.*;
            import java.util.List;
            import org.apache.avro.specific.SpecificRecord;
            abstract class Encoder implements SpecificRecord {}
            abstract class Features implements SpecificRecord {}
            abstract class Extract extends Step<Features> {
              Extract() { super(Features.class); }
              static Extract with(Artifact<Encoder> encoder) { return null; }
            }
            class Wiring {
              void wire(Workflow wf, Artifact<Encoder> encoder, Artifact<Features> features) {
                wf.step("features", Extract.with(%s));
              }
            }
            """;

    private String compile(String argument) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject src = new SimpleJavaFileObject(URI.create("string:///Wiring.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return String.format(TEMPLATE, argument);
            }
        };
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-proc:none", "-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                null, List.of(src)).call();
        return ok ? "" : diagnostics.toString();
    }

    @Test
    void theRightArtifactTypeCompiles() throws IOException {
        assertThat(compile("encoder")).isEmpty();
    }

    @Test
    void theWrongArtifactTypeDoesNotCompile() throws IOException {
        String errors = compile("features");
        assertThat(errors).contains("incompatible types");
        assertThat(errors).contains("Artifact<Features> cannot be converted to Artifact<Encoder>");
    }
}
