package io.agentgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the README's architecture notes, read from the sources' imports: which feature may use which,
 * no circle between packages, and no source file over 400 lines.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/io/agentgate");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.agentgate\\.([a-z]+)\\.",
            Pattern.MULTILINE);
    /** Packages that are not features: anything may use them. */
    private static final Set<String> SHARED = Set.of("common");

    private static final Map<String, Set<String>> uses = new TreeMap<>();

    @BeforeAll
    static void readImports() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file).getName(0).toString();
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        }
    }

    private static Set<String> features(String pkg) {
        Set<String> used = new TreeSet<>(uses.getOrDefault(pkg, Set.of()));
        used.removeAll(SHARED);
        return used;
    }

    @Test
    void gateKnowsNothingOfTheFeaturesBuiltOnIt() {
        Set<String> used = features("gate");
        for (String above : List.of("approval", "dashboard", "compliance", "governance", "mcp", "cluster")) {
            assertTrue(!used.contains(above), "gate imports " + above);
        }
    }

    @Test
    void policyUsesOnlyAgent() {
        assertEquals(Set.of("agent"), features("policy"));
    }

    @Test
    void auditAndCommonUseNoFeature() {
        assertEquals(Set.of(), features("audit"));
        assertEquals(Set.of(), features("common"));
    }

    @Test
    void noCircleBetweenPackages() {
        List<String> circles = new ArrayList<>();
        for (String start : uses.keySet()) {
            walk(start, new ArrayList<>(List.of(start)), circles);
        }
        assertEquals(List.of(), circles, "package circles");
    }

    private static void walk(String at, List<String> path, List<String> circles) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                circles.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) {
                // each circle is reported once, from its alphabetically first package
                path.add(next);
                walk(next, path, circles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void noSourceFileOverFourHundredLines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                try (Stream<String> lines = Files.lines(file)) {
                    long count = lines.count();
                    if (count > 400) {
                        tooLong.add(file + " (" + count + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), tooLong);
    }
}
