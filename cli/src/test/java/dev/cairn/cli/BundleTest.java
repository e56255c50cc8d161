package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {

    @TempDir
    Path tmp;

    @Test
    void packing_the_same_files_twice_gives_the_same_bytes_whatever_their_mtimes_and_modes() throws IOException {
        Path first = Run.notesCopy();
        Path second = Run.notesCopy();
        try (Stream<Path> walk = Files.walk(second)) {
            for (Path p : walk.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
                if (Files.isRegularFile(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwx---"));
                }
            }
        }
        Run a = Run.cairn(Map.of(), "bundle", first.toString(), "-o", tmp.resolve("a.tar.gz").toString());
        Run again = Run.cairn(Map.of(), "bundle", first.toString(), "-o", tmp.resolve("a2.tar.gz").toString());
        Run b = Run.cairn(Map.of(), "bundle", second.resolve("postgresql").toString(), "-o", tmp.resolve("b.tar.gz").toString());

        assertThat(a.exit()).as(a.toString()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("a.tar.gz"))).isEqualTo(Files.readAllBytes(tmp.resolve("a2.tar.gz")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("b.tar.gz")));
        assertThat(a.out()).contains("packed 3 file(s)").containsPattern("sha256 [0-9a-f]{64}");
        assertThat(b.out().replaceAll(".*sha256 ", "")).isEqualTo(a.out().replaceAll(".*sha256 ", ""));
    }

    @Test
    void the_archive_has_postgresql_at_its_root_sorted_entries_and_fixed_metadata() throws IOException {
        Run run = Run.cairn(Map.of(), "bundle", Run.notesCopy().toString(), "-o", "-");

        assertThat(run.exit()).as(run.toString()).isZero();
        List<TarArchiveEntry> entries = entries(run.outBytes());
        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly("postgresql/",
                "postgresql/functions/", "postgresql/functions/notes.sql", "postgresql/seeders/",
                "postgresql/seeders/notebooks.sql", "postgresql/tables/", "postgresql/tables/notes.sql");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.getModTime().getTime()).isZero();
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            assertThat(e.getGroupName()).isEmpty();
            assertThat(e.getMode()).isEqualTo(e.isDirectory() ? 040755 : 0100644);
        });
        // gzip header: no mtime (bytes 4..7 zero)
        assertThat(new byte[] {run.outBytes()[4], run.outBytes()[5], run.outBytes()[6], run.outBytes()[7]})
                .containsOnly(0);
        assertThat(run.err()).contains("into stdout");
    }

    @Test
    void a_stonescript_tree_keeps_its_main_and_tenant_sub_trees() throws IOException {
        Path src = tmp.resolve("src/postgresql");
        Run.write(src.resolve("main/tables/users.sql"), "CREATE TABLE users (id int PRIMARY KEY);\n");
        Run.write(src.resolve("tenant/postgresql/tables/notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY);\n");
        Run.write(src.resolve("functions/hello.pgsql"), "CREATE FUNCTION hello() RETURNS int LANGUAGE sql AS 'SELECT 1';\n");
        Run.write(src.resolve(".gitkeep"), "");

        Run run = Run.cairn(Map.of(), "bundle", tmp.resolve("src").toString(), "-o", "-");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(entries(run.outBytes())).extracting(TarArchiveEntry::getName)
                .contains("postgresql/main/tables/users.sql", "postgresql/tenant/postgresql/tables/notes.sql",
                        "postgresql/functions/hello.pgsql")
                .noneMatch(name -> name.contains(".gitkeep"));
    }

    @Test
    void an_unknown_folder_is_refused_with_the_folder_probably_meant() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/tabels/extra.sql"), "CREATE TABLE extra (id int);\n");

        Run run = Run.cairn(Map.of(), "bundle", dir.toString(), "-o", tmp.resolve("x.tar.gz").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("'postgresql/tabels/extra.sql' is in an unknown folder 'tabels/'")
                .contains("did you mean 'tables/'?");
        assertThat(tmp.resolve("x.tar.gz")).doesNotExist();
    }

    @Test
    void a_file_that_is_not_utf8_is_refused_with_its_offset_and_line() throws IOException {
        Path dir = Run.notesCopy();
        Files.write(dir.resolve("postgresql/functions/latin1.sql"),
                "-- ok\nSELECT 'caf\u00e9';\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        Run run = Run.cairn(Map.of(), "bundle", dir.toString(), "-o", "-");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("'postgresql/functions/latin1.sql' is not valid UTF-8 at byte offset 17 (line 2)");
    }

    @Test
    void a_file_with_another_ending_is_refused() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/tables/README.md"), "# tables\n");

        Run run = Run.cairn(Map.of(), "bundle", dir.toString(), "-o", "-");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("'postgresql/tables/README.md' is not a SQL file: bundle files end in .sql, .pssql or .pgsql");
    }

    @Test
    void every_problem_is_listed_at_once() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/tables/notes.txt"), "x\n");
        Run.write(dir.resolve("postgresql/loose.sql"), "SELECT 1;\n");

        Run run = Run.cairn(Map.of(), "bundle", dir.toString(), "-o", "-");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("'postgresql/tables/notes.txt' is not a SQL file")
                .contains("'postgresql/loose.sql' is not in a folder");
    }

    @Test
    void a_bundle_without_any_sql_file_is_refused() {
        Path dir = tmp.resolve("empty/postgresql");
        Run.write(dir.resolve("tables/.gitkeep"), "");

        Run run = Run.cairn(Map.of(), "bundle", tmp.resolve("empty").toString(), "-o", "-");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("holds no SQL file (.sql, .pssql, .pgsql)");
    }

    @Test
    void a_missing_folder_is_a_local_error() {
        Run run = Run.cairn(Map.of(), "bundle", tmp.resolve("nope").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("does not exist");
    }

    @Test
    void the_default_archive_is_named_after_the_folder_holding_postgresql() {
        assertThat(BundleCommand.defaultName(Path.of("examples/notes/postgresql"))).isEqualTo("notes.tar.gz");
        assertThat(BundleCommand.defaultName(Path.of("/tmp/shop"))).isEqualTo("shop.tar.gz");
    }

    @Test
    void a_usage_error_exits_2_with_picocli_s_message() {
        Run unknown = Run.cairn(Map.of(), "bundle", "--frobnicate", "x");
        Run missing = Run.cairn(Map.of(), "register", "only-a-platform");
        Run bare = Run.cairn(Map.of(), "tenants");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("name a command: create, list, suspend, resume or delete");
    }

    @Test
    void help_lists_the_exit_codes_and_version_prints_one() {
        Run help = Run.cairn(Map.of(), "--help");
        Run migrateHelp = Run.cairn(Map.of(), "migrate", "--help");
        Run version = Run.cairn(Map.of(), "--version");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Exit codes:", "3", "blocked change (409 schema_change_blocked)", "CAIRN_URL",
                "migrate", "tenants", "health");
        assertThat(migrateHelp.out()).contains("--dry-run", "--allow", "--schema", "--wait", "--url", "Exit codes:");
        assertThat(version.out()).startsWith("cairn 0.");
    }

    @Test
    void call_arguments_that_parse_as_json_are_sent_as_json_others_as_strings() {
        assertThat(CallCommand.argument("42").isNumber()).isTrue();
        assertThat(CallCommand.argument("-1.5").isNumber()).isTrue();
        assertThat(CallCommand.argument("true").isBoolean()).isTrue();
        assertThat(CallCommand.argument("null").isNull()).isTrue();
        assertThat(CallCommand.argument("[\"a\",1]").isArray()).isTrue();
        assertThat(CallCommand.argument("{\"a\":1}").isObject()).isTrue();
        assertThat(CallCommand.argument("inbox").asText()).isEqualTo("inbox");
        assertThat(CallCommand.argument("\"quoted\"").asText()).isEqualTo("\"quoted\"");
        assertThat(CallCommand.argument("12abc").asText()).isEqualTo("12abc");
    }

    @Test
    void the_progress_line_shows_bar_counts_rate_and_eta() {
        assertThat(Progress.line(15, 30, 1, java.time.Duration.ofSeconds(3)))
                .isEqualTo("[###############---------------] 15/30  failed 1  5.0/s  ETA 3.0s");
        assertThat(Progress.bar(30, 30)).isEqualTo("[" + "#".repeat(30) + "]");
    }

    @Test
    void colours_are_used_only_on_a_terminal_and_never_with_no_color() {
        var out = System.out;
        assertThat(Console.of(out, out, Map.of(), true).red("x")).isEqualTo("\u001b[31mx\u001b[0m");
        assertThat(Console.of(out, out, Map.of("NO_COLOR", "1"), true).red("x")).isEqualTo("x");
        assertThat(Console.of(out, out, Map.of(), false).red("x")).isEqualTo("x");
        assertThat(Console.of(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), out, Map.of()).terminal())
                .isFalse();
    }

    private static List<TarArchiveEntry> entries(byte[] tarGz) throws IOException {
        List<TarArchiveEntry> out = new ArrayList<>();
        try (var tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tarGz)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                out.add(e);
            }
        }
        return out;
    }
}
