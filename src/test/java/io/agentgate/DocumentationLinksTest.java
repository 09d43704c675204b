package io.agentgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is the front door and {@code src/docs/} holds the rest, so a newcomer follows links between them: every
 * relative link (and image) in the README and the topic documents leads to a file that exists, and every {@code #anchor}
 * to a heading of the document it names, spelled as GitHub spells heading anchors. Links inside code are not links.
 */
class DocumentationLinksTest {

    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

    @Test
    void everyRelativeLinkLeadsToAnExistingFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            for (String target : links(Files.readString(doc))) {
                if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue; // https:, mailto: and the like leave the repository
                }
                checked++;
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? doc : doc.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(doc + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(Files.readString(resolved)).contains(anchor)) {
                    broken.add(doc + ": " + target + " (no such heading)");
                }
            }
        }
        assertTrue(checked > 50, "the documents link to each other: " + checked + " relative links");
        assertEquals(List.of(), broken);
    }

    @Test
    void anchorsAreSpelledAsGitHubSpellsThem() {
        assertEquals(Set.of("production-packaged-jar", "the-benchmark-mvnw--pload-verify", "callbacks-ssrf",
                "mcp-agentgates-tools-and-a-gateway-in-front-of-your-mcp-servers", "callbacks", "callbacks-1"),
                anchors("## Production (packaged jar)\n### The benchmark: `./mvnw -Pload verify`\n"
                        + "## Callbacks (SSRF)\n```\n# not a heading\n```\n"
                        + "# MCP: AgentGate's tools, and a gateway in front of your MCP servers\n## Callbacks\n## Callbacks"));
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> files = Files.list(Path.of("src/docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** Link targets outside fenced code blocks and inline code. */
    private static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fence = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (!fence) {
                Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings: lower case, only letters, digits, '-', '_' and spaces, spaces as '-'. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fence = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (!fence && m.matches()) {
                String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                        .replace(' ', '-');
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }
}
