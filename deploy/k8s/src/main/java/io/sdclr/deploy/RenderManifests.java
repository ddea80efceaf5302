package io.sdclr.deploy;

import io.sdclr.pipeline.run.CodeId;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the manifests of {@code infra/k8s} as they must be applied for the image this build made: every
 * {@code image:} that names the pom's default sdclr image gets the image actually built ({@code -Dsdclr.image}), and
 * {@code sdclr.code-id} gets the code id of the image's sdclr jars, computed exactly as the client computes its own
 * ({@link CodeId}). A FlinkDeployment without the right id is refused by every {@code sdclr run --runner HOST:PORT}.
 *
 * <pre>{@code
 * java io.sdclr.deploy.RenderManifests SOURCE_DIR OUT_DIR IMAGE_CLASSPATH_FILE DEFAULT_IMAGE IMAGE
 * }</pre>
 * Run by {@code mvn package} in this module (exec-maven-plugin), with deploy/image's {@code image-classpath.txt}.
 */
public final class RenderManifests {
    /** The Flink configuration line that carries the code id, with its value. */
    static final Pattern CODE_ID_LINE = Pattern.compile("(?m)^(\\s*" + Pattern.quote(CodeId.CONFIG_KEY) + ":\\s*)(.*)$");
    /** An {@code image:} entry (a container's or a FlinkDeployment's), with its value. */
    static final Pattern IMAGE_LINE = Pattern.compile("(?m)^(\\s*(?:-\\s+)?image:\\s*)(\\S+)\\s*$");

    private RenderManifests() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: RenderManifests SOURCE_DIR OUT_DIR IMAGE_CLASSPATH_FILE DEFAULT_IMAGE IMAGE");
        }
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String codeId = codeIdOfClassPathFile(Path.of(args[2]));
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(source)) {
            for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().collect(Collectors.toList())) {
                files.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        Map<String, String> rendered = render(files, args[3], args[4], codeId);
        Files.createDirectories(out);
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Files.writeString(out.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        System.out.printf("[sdclr] %d manifests of %s for image %s, sdclr.code-id %s -> %s%n", rendered.size(), source,
                args[4], codeId, out);
    }

    /**
     * The code id of the sdclr jars listed in a class path file (Maven's {@code dependency:build-classpath}): the jars
     * Jib copies into the image, which the cluster's JVMs and the client pod run.
     */
    static String codeIdOfClassPathFile(Path classPathFile) throws IOException {
        String cp = Files.readString(classPathFile, StandardCharsets.UTF_8).trim();
        List<String> sdclr = new ArrayList<>();
        for (String entry : cp.split(Pattern.quote(File.pathSeparator))) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("sdclr-") && name.endsWith(".jar")) {
                sdclr.add(entry);
            }
        }
        if (sdclr.stream().noneMatch(e -> Path.of(e).getFileName().toString().startsWith("sdclr-pipeline-"))) {
            throw new IllegalStateException(classPathFile + " lists no sdclr-pipeline jar: not the image's class path?");
        }
        return CodeId.of(String.join(File.pathSeparator, sdclr));
    }

    /**
     * The files with the image and the code id filled in. Fails on an sdclr image other than {@code defaultImage} (the
     * sources must name the pom's default, which the tests check) and unless exactly one code id line is found.
     */
    static Map<String, String> render(Map<String, String> files, String defaultImage, String image, String codeId) {
        String repository = repository(defaultImage);
        Map<String, String> out = new LinkedHashMap<>();
        int codeIds = 0;
        for (Map.Entry<String, String> f : files.entrySet()) {
            StringBuilder sb = new StringBuilder();
            Matcher m = IMAGE_LINE.matcher(f.getValue());
            while (m.find()) {
                String value = unquote(m.group(2));
                String replacement = m.group();
                if (value.equals(defaultImage)) {
                    replacement = m.group(1) + image;
                } else if (repository(value).equals(repository)) {
                    throw new IllegalStateException(f.getKey() + ": image " + value + " is not the pom's default "
                            + defaultImage + "; the sources must name the default (the build puts in the real one)");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            Matcher c = CODE_ID_LINE.matcher(sb);
            StringBuilder withId = new StringBuilder();
            while (c.find()) {
                codeIds++;
                c.appendReplacement(withId, Matcher.quoteReplacement(c.group(1) + "\"" + codeId + "\""));
            }
            c.appendTail(withId);
            out.put(f.getKey(), withId.toString());
        }
        if (codeIds != 1) {
            throw new IllegalStateException("expected one '" + CodeId.CONFIG_KEY + ":' line in the manifests, found "
                    + codeIds);
        }
        return out;
    }

    /** {@code sdclr-flink} for {@code sdclr-flink:0.1.0}, {@code reg:5000/a/b} for {@code reg:5000/a/b:tag}. */
    static String repository(String image) {
        String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = noDigest.lastIndexOf(':');
        return colon > noDigest.lastIndexOf('/') ? noDigest.substring(0, colon) : noDigest;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
