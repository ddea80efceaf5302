package io.sdclr.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;

/** What the manifests must agree with, read from the project itself (poms, launcher, class path). */
final class Project {
    final Path root;

    Project(Path root) {
        this.root = root;
    }

    /** The checkout, as the pom passes it ({@code sdclr.root}); the folder two above this module when run alone. */
    static Project current() {
        String r = System.getProperty("sdclr.root");
        Path root = (r != null ? Path.of(r) : Path.of("../..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("infra/k8s/flink-session.yaml"))) {
            throw new IllegalStateException(root + " is not the sdclr checkout (no infra/k8s/flink-session.yaml)");
        }
        return new Project(root);
    }

    static String xpath(Path pom, String expr) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            Document d = f.newDocumentBuilder().parse(pom.toFile());
            String v = XPathFactory.newInstance().newXPath().evaluate(expr, d).trim();
            if (v.isEmpty()) {
                throw new IllegalStateException(pom + ": nothing at " + expr);
            }
            return v;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + expr + " from " + pom, e);
        }
    }

    String version() {
        return xpath(root.resolve("pom.xml"), "/project/version");
    }

    /** The image the pom's Jib target names by default: {@code ${sdclr.image.name}:${project.version}}. */
    String defaultImage() {
        return xpath(root.resolve("deploy/pom.xml"), "/project/properties/*[local-name()='sdclr.image.name']") + ":"
                + version();
    }

    String baseImage() {
        return xpath(root.resolve("deploy/pom.xml"), "/project/properties/*[local-name()='sdclr.base-image']");
    }

    /** The root pom's Java 17 flags for Flink, one per element. */
    List<String> flinkOpens() {
        String opens = xpath(root.resolve("pom.xml"), "/project/properties/*[local-name()='flink.opens']");
        return Arrays.stream(opens.split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    String pytorchVersion() {
        return xpath(root.resolve("pom.xml"), "/project/properties/*[local-name()='pytorch.version']");
    }

    /** What ./sdclr sets a variable to when it is unset ({@code export NAME="${NAME:-DEFAULT}"}). */
    String launcherDefault(String variable) throws java.io.IOException {
        String launcher = Files.readString(root.resolve("sdclr"));
        Matcher m = Pattern.compile(Pattern.quote(variable) + "=\"\\$\\{" + Pattern.quote(variable) + ":-([^}]*)}\"")
                .matcher(launcher);
        if (!m.find()) {
            throw new IllegalStateException("./sdclr sets no default for " + variable);
        }
        return m.group(1);
    }

    /**
     * The Flink the project runs, as x.y.z: the version of the flink-core jar that Beam's Flink runner brings (on this
     * test's class path through sdclr-pipeline, as in examples/target/lib).
     */
    static String flinkVersion() {
        try {
            Path jar = Path.of(org.apache.flink.api.common.JobID.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            Matcher m = Pattern.compile("flink-core-(\\d+\\.\\d+\\.\\d+)\\.jar").matcher(jar.getFileName().toString());
            if (!m.matches()) {
                throw new IllegalStateException("flink-core comes from " + jar + ", not a flink-core-x.y.z.jar");
            }
            return m.group(1);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
