package io.agentgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code src/docs/configuration.md} has one table with every {@code agentgate.*} key: each key the application reads
 * (every property of every {@code @ConfigMapping} under {@code src/main/java}, found from the sources, so a new
 * mapping is covered without touching this test) is a row of it, and each {@code agentgate.*} key the table names is
 * one the application reads (no stale keys). A row names a key in full, then its siblings as {@code `.name`};
 * {@code <policy>} stands for any built-in policy and a quoted {@code "<...>"} for a map key.
 */
class ConfigurationDocumentTest {

    private static final Path DOCUMENT = Path.of("src/docs/configuration.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyKeyTheApplicationReadsIsDocumentedAndNoOther() throws Exception {
        Set<String> read = keysRead();
        Set<String> documented = keysDocumented(Files.readString(DOCUMENT));
        assertTrue(read.size() > 80, "keys read: " + read);

        Set<String> undocumented = new TreeSet<>();
        for (String key : read) {
            if (documented.stream().noneMatch(doc -> matches(doc, key))) {
                undocumented.add(key);
            }
        }
        Set<String> stale = new TreeSet<>();
        for (String doc : documented) {
            if (read.stream().noneMatch(key -> matches(doc, key))) {
                stale.add(doc);
            }
        }
        assertEquals(Set.of(), undocumented, "keys missing from " + DOCUMENT);
        assertEquals(Set.of(), stale, "keys in " + DOCUMENT + " the application does not read");
    }

    @Test
    void aRowNamesOneKeyInFullAndItsSiblingsByTheirLastPart() {
        assertEquals(Set.of("agentgate.mail.lease", "agentgate.webhooks.poll-interval", "agentgate.webhooks.timeout",
                "agentgate.policies.<policy>.enabled", "agentgate.policies.<policy>.severity",
                "agentgate.policies.rate-limit.limits.*"),
                keysDocumented("| `agentgate.mail.lease` | how long | `2M` |\n"
                        + "| `agentgate.webhooks.poll-interval`, `.timeout` | polling | `5S`, `10S` |\n"
                        + "| `agentgate.policies.<policy>.enabled`, `.severity` | switch (`deny|review`) | on |\n"
                        + "| `agentgate.policies.rate-limit.limits.\"<agent>:<action>\"` | `N/window` | none |\n"
                        + "text `agentgate.not.a.row` outside the table"));
        assertTrue(matches("agentgate.policies.<policy>.enabled", "agentgate.policies.business-hours.enabled"));
        assertTrue(!matches("agentgate.policies.<policy>.enabled", "agentgate.policies.business-hours.zone"));
    }

    /** Every property of every config mapping in the main sources, map keys as {@code *}. */
    private static Set<String> keysRead() throws IOException, ClassNotFoundException {
        Set<String> keys = new TreeSet<>();
        Path sources = Path.of("src/main/java");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            if (!Files.readString(file).contains("@ConfigMapping(")) {
                continue;
            }
            String name = sources.relativize(file).toString().replace(".java", "").replace('/', '.');
            Class<?> type = Class.forName(name);
            String prefix = type.getAnnotation(ConfigMapping.class).prefix();
            for (String key : ConfigMappings.getProperties(new ConfigMappings.ConfigClass(type, prefix)).keySet()) {
                keys.add(key.replace("[*]", ""));
            }
        }
        return keys;
    }

    /** The keys the table's rows name: a row's first code span in full, its code spans starting with '.' after it. */
    static Set<String> keysDocumented(String markdown) {
        Set<String> keys = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            if (!line.startsWith("| `agentgate.")) {
                continue;
            }
            String names = line.substring(1, line.indexOf(" | "));
            Matcher m = CODE.matcher(names);
            String parent = null;
            while (m.find()) {
                String key = m.group(1).replaceAll("\"<[^>]+>(:<[^>]+>)?\"", "*");
                if (parent == null) {
                    parent = key.substring(0, key.lastIndexOf('.'));
                    keys.add(key);
                } else if (key.startsWith(".")) {
                    keys.add(parent + key);
                }
            }
            Matcher rest = CODE.matcher(line.substring(line.indexOf(" | ")));
            while (rest.find()) {
                if (rest.group(1).matches("\\.[a-z-]+")) {
                    keys.add(parent + rest.group(1)); // a sibling named in the meaning, e.g. "within `.window`"
                }
            }
        }
        return keys;
    }

    private static boolean matches(String documented, String key) {
        String regex = Pattern.quote(documented).replace("<policy>", "\\E[a-z-]+\\Q");
        return key.matches(regex);
    }
}
