package io.agentgate.common;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Build time only, in the AppCDS training run (src/build/AppCdsTraining.java), which names its class-load log in the
 * system property {@value #CLASS_LOG}; without it this does nothing. At the end of that run it links every class the
 * run loaded. Java 17 writes a dynamic archive with the classes that are linked at exit, and links at exit only those
 * of the JDK's own class loaders: the classes Quarkus's class loader loaded but the run never linked (supertypes,
 * annotations, classes only looked up: about 3,100) would be left out, and every start would parse them again from
 * the jars. Linking is what reflection on a class's members does first; no class is initialised here.
 */
@ApplicationScoped
public class AppCdsLinking {

    static final String CLASS_LOG = "appcds.training.class-log";
    private static final Logger LOG = Logger.getLogger(AppCdsLinking.class);
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: ");
    private static final int PASSES = 3;

    void linkLoadedClasses(@Observes ShutdownEvent event) {
        String log = System.getProperty(CLASS_LOG);
        if (log == null) {
            return;
        }
        ClassLoader loader = AppCdsLinking.class.getClassLoader();
        Set<String> tried = new HashSet<>();
        int linked = 0;
        int failed = 0;
        // linking verifies, and verifying loads classes: those are in the log by the next pass
        for (int pass = 0; pass < PASSES; pass++) {
            Set<String> names = loadedClasses(Path.of(log));
            names.removeAll(tried);
            tried.addAll(names);
            for (String name : names) {
                try {
                    Class.forName(name, false, loader).getDeclaredMethods();
                    linked++;
                } catch (Throwable notLinkable) { // a missing optional dependency: the archive leaves it out
                    failed++;
                }
            }
        }
        LOG.infof("appcds: linked the classes the training run loaded before the archive is written (%d linked,"
                + " %d not linkable)", linked, failed);
    }

    private static Set<String> loadedClasses(Path log) {
        Set<String> names = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LOADED.matcher(line);
                if (m.find() && !m.group(1).contains("/") && !line.contains("source: __")) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            LOG.warnf("appcds: cannot read the class-load log %s: %s", log, e.getMessage());
        }
        return names;
    }
}
