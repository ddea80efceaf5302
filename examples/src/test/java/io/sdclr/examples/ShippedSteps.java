package io.sdclr.examples;

import io.sdclr.dsl.Step;
import io.sdclr.steps.train.Pretrain;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Every shipped step: each concrete {@link Step} of the steps module, found by scanning its classes. */
final class ShippedSteps {
    private ShippedSteps() {}

    /** The binary names of the classes of the steps module, from its class directory or jar. */
    static SortedSet<String> stepsModuleClasses() throws IOException, URISyntaxException {
        Path location = Path.of(Pretrain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> files = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> s = Files.walk(location)) {
                s.map(p -> location.relativize(p).toString().replace('\\', '/')).forEach(files::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().map(JarEntry::getName).forEach(files::add);
            }
        }
        SortedSet<String> names = new TreeSet<>();
        for (String f : files) {
            if (f.startsWith("io/sdclr/") && f.endsWith(".class")) {
                names.add(f.substring(0, f.length() - ".class".length()).replace('/', '.'));
            }
        }
        return names;
    }

    /** The concrete {@link Step} classes among {@code classNames}. */
    static List<Class<?>> concreteSteps(SortedSet<String> classNames) throws ClassNotFoundException {
        List<Class<?>> steps = new ArrayList<>();
        for (String name : classNames) {
            Class<?> c = Class.forName(name, false, Pretrain.class.getClassLoader());
            if (Step.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                steps.add(c);
            }
        }
        return steps;
    }
}
