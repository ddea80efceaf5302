package io.sdclr.deploy;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image logs through Flink's log4j2, not logback: the client launcher's log4j2 configuration must keep the levels
 * that pipeline's logback.xml gives the CLI on a workstation (which messages reach the user's terminal).
 */
class ClientLoggingTest {
    @Test
    void theClientsLog4j2LevelsAreTheCliLogbackLevels() throws IOException {
        Project project = Project.current();
        Map<String, String> logback = new TreeMap<>();
        Matcher m = Pattern.compile("<logger name=\"([^\"]+)\" level=\"([A-Z]+)\"\\s*/>")
                .matcher(Files.readString(project.root.resolve("pipeline/src/main/resources/logback.xml")));
        while (m.find()) {
            logback.put(m.group(1), m.group(2));
        }
        Matcher root = Pattern.compile("<root level=\"([A-Z]+)\"")
                .matcher(Files.readString(project.root.resolve("pipeline/src/main/resources/logback.xml")));
        assertThat(root.find()).isTrue();

        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(
                project.root.resolve("deploy/image/src/main/jib/opt/sdclr/log4j2-client.properties"))) {
            p.load(r);
        }
        Map<String, String> log4j = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("logger.") && key.endsWith(".name")) {
                log4j.put(p.getProperty(key), p.getProperty(key.substring(0, key.length() - ".name".length()) + ".level"));
            }
        }
        assertThat(logback).isNotEmpty();
        assertThat(log4j).isEqualTo(logback);
        assertThat(p.getProperty("rootLogger.level")).isEqualTo(root.group(1));
    }
}
