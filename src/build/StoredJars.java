import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the jars Quarkus's class loader reads ({@code lib/main}, {@code app}, {@code quarkus} under
 * {@code target/quarkus-app}) so that the classes an instance loads at its start are stored, not deflated (a
 * single-file program: {@code java src/build/StoredJars.java target/quarkus-app target/appcds-loaded-classes.txt};
 * the build runs it after the AppCDS training run, which writes that list, see pom.xml).
 *
 * <p>Why: even with an AppCDS archive, the class loader reads each class's bytes from its jar (the JVM matches
 * them against the archive by CRC), and inflating them was a tenth of the start's main thread. Stored entries are
 * read as they are. Only the classes the training run loaded are stored (about 15,000 of the 70,000 in those
 * jars), so the directory grows by a fraction of what storing everything would cost; every other entry stays
 * deflated. The bytes of every entry are unchanged, so the archive written before the rewrite still matches.
 * {@code lib/boot} and {@code quarkus-run.jar} are left alone: they are on the JVM's own class path, whose jars an
 * archive records by size and time. Without the list (a PostgreSQL build or a skipped training run) the jars stay
 * as Quarkus wrote them.
 */
public final class StoredJars {

    private static final List<String> REWRITTEN = List.of("lib/main", "app", "quarkus");

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java StoredJars.java <target/quarkus-app> <loaded-classes.txt>");
        }
        Path app = Path.of(args[0]).toAbsolutePath();
        Path list = Path.of(args[1]).toAbsolutePath();
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalArgumentException(app + " holds no quarkus-run.jar: not a packaged fast-jar");
        }
        if (!Files.isRegularFile(list)) {
            System.out.println("[stored-jars] no " + list + " (no training run in this build): the jars stay as they are");
            return;
        }
        Set<String> stored = new HashSet<>();
        for (String name : Files.readAllLines(list)) {
            if (!name.isBlank()) {
                stored.add(name.strip().replace('.', '/') + ".class");
            }
        }
        long started = System.nanoTime();
        List<Path> jars = new ArrayList<>();
        for (String dir : REWRITTEN) {
            Path root = app.resolve(dir);
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
                }
            }
        }
        int rewritten = 0;
        int entries = 0;
        long before = 0;
        long after = 0;
        for (Path jar : jars) {
            before += Files.size(jar);
            int count = store(jar, stored);
            if (count > 0) {
                rewritten++;
                entries += count;
            }
            after += Files.size(jar);
        }
        System.out.printf("[stored-jars] %d classes stored uncompressed in %d of %d jars in %.1f s (%d MB -> %d MB)%n",
                entries, rewritten, jars.size(), (System.nanoTime() - started) / 1e9, before >> 20, after >> 20);
    }

    /**
     * Rewrites one jar, entries in the same order, those named in {@code stored} stored and the rest deflated;
     * returns how many it stored, or 0 when there was nothing to change (so a second run leaves the jar alone).
     */
    private static int store(Path jar, Set<String> stored) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".stored");
        int count = 0;
        try (ZipFile in = new ZipFile(jar.toFile())) {
            if (in.stream().noneMatch(e -> e.getMethod() != ZipEntry.STORED && stored.contains(e.getName()))) {
                return 0;
            }
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
                for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    byte[] bytes;
                    try (InputStream data = in.getInputStream(entry)) {
                        bytes = data.readAllBytes();
                    }
                    ZipEntry copy = new ZipEntry(entry.getName());
                    copy.setTime(entry.getTime());
                    if (entry.getComment() != null) {
                        copy.setComment(entry.getComment());
                    }
                    if (stored.contains(entry.getName()) || entry.getMethod() == ZipEntry.STORED) {
                        CRC32 crc = new CRC32();
                        crc.update(bytes);
                        copy.setMethod(ZipEntry.STORED);
                        copy.setSize(bytes.length);
                        copy.setCompressedSize(bytes.length);
                        copy.setCrc(crc.getValue());
                        count += stored.contains(entry.getName()) ? 1 : 0;
                    } else {
                        copy.setMethod(ZipEntry.DEFLATED);
                    }
                    out.putNextEntry(copy);
                    out.write(bytes);
                    out.closeEntry();
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("could not rewrite " + jar + ": " + e.getMessage(), e);
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return count;
    }
}
