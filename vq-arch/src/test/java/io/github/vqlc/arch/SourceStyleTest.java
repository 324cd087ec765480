package io.github.vqlc.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Style the formatter cannot enforce, checked on every module's sources (main and test): no fully
 * qualified class name inline where an import would do, i.e. unless another class of the same
 * simple name is imported, declared or in the same package.
 */
class SourceStyleTest {

    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.\"@/])((?:java|javax|ai|io|com|org|me|picocli)\\.(?:[a-z_]\\w*\\.)+)([A-Z]\\w*)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import ([\\w.]+);");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");

    @Test
    void noFullyQualifiedClassNamesInlineWhereAnImportWouldDo() throws IOException {
        List<Path> sources = sources();
        assertThat(sources).as("the scan finds the sources").hasSizeGreaterThan(100);
        Map<String, List<String>> classesByPackage = new HashMap<>();
        for (Path f : sources) {
            packageOf(read(f))
                    .ifPresent(p -> classesByPackage
                            .computeIfAbsent(p, k -> new ArrayList<>())
                            .add(f.getFileName().toString().replace(".java", "")));
        }
        List<String> violations = new ArrayList<>();
        for (Path f : sources) {
            String text = read(f);
            String code = codeOnly(text);
            String pkg = packageOf(text).orElse("");
            Map<String, String> imports = new HashMap<>();
            IMPORT.matcher(text).results().forEach(m -> {
                String fqn = m.group(1);
                imports.put(fqn.substring(fqn.lastIndexOf('.') + 1), fqn);
            });
            List<String> declared =
                    DECLARED.matcher(code).results().map(m -> m.group(1)).toList();
            String[] lines = code.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.startsWith("import ") || line.startsWith("package ")) {
                    continue;
                }
                Matcher m = QUALIFIED.matcher(lines[i]);
                while (m.find()) {
                    String name = m.group(2);
                    String fqn = m.group(1) + name;
                    boolean clash = declared.contains(name)
                            || (imports.containsKey(name) && !imports.get(name).equals(fqn))
                            || (classesByPackage.getOrDefault(pkg, List.of()).contains(name)
                                    && !m.group(1).equals(pkg + "."));
                    if (!clash) {
                        violations.add(f + ":" + (i + 1) + ": " + fqn);
                    }
                }
            }
        }
        assertThat(violations)
                .as("fully qualified names that an import would replace")
                .isEmpty();
    }

    private static List<Path> sources() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(""))) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("vq-"))
                    .toList()) {
                Path src = module.resolve("src");
                if (Files.isDirectory(src)) {
                    try (Stream<Path> files = Files.walk(src)) {
                        files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
                    }
                }
            }
        }
        return out;
    }

    /** The text with comments and string literals blanked (line structure kept). */
    static String codeOnly(String text) {
        String t = blank(text, Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL));
        t = blank(t, Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\""));
        return blank(t, Pattern.compile("//[^\\n]*"));
    }

    private static String blank(String text, Pattern p) {
        return p.matcher(text).replaceAll(m -> m.group().replaceAll("[^\\n]", " "));
    }

    private static Optional<String> packageOf(String text) {
        Matcher m = PACKAGE.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
