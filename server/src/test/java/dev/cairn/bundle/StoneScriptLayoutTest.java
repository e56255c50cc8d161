package dev.cairn.bundle;

import static dev.cairn.bundle.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.bundle.TestArchives.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The StoneScriptPHP layout: main/ and tenant/ sub-trees beside shared folders. */
class StoneScriptLayoutTest {

    private static final BundleReader READER = BundleReader.create(BundleLimits.defaults());

    /** As built by StoneScriptPHP's schema-archive-builder from src/postgresql. */
    private static final Entry[] PROJECT = {
        file("postgresql/main/postgresql/tables/platforms.pssql", "main table"),
        file("postgresql/main/postgresql/functions/list_platforms.pgsql", "main fn"),
        file("postgresql/tenant/postgresql/tables/orders.pssql", "tenant table"),
        file("postgresql/tenant/postgresql/migrations/2_orders_note.pgsql", "tenant migration"),
        file("postgresql/functions/shared_now.pgsql", "shared fn"),
        file("postgresql/extensions/pgcrypto.txt", ""),
        file("postgresql/main/.gitkeep", ""),
    };

    private static Bundle read(Variant variant, Entry... entries) {
        return READER.read(TestArchives.tarGz(entries), variant);
    }

    private static List<String> paths(Bundle bundle) {
        return bundle.files().stream().map(BundleFile::path).toList();
    }

    @Test
    void main_variant_merges_the_main_sub_tree_with_the_shared_folders() {
        var bundle = read(Variant.MAIN, PROJECT);

        assertThat(bundle.subtree()).contains("main");
        assertThat(bundle.rootPrefix()).isEqualTo("postgresql/");
        assertThat(paths(bundle)).containsExactly("extensions/pgcrypto.txt", "tables/platforms.pssql",
                "functions/list_platforms.pgsql", "functions/shared_now.pgsql");
    }

    @Test
    void tenant_variant_merges_the_tenant_sub_tree_with_the_shared_folders() {
        var bundle = read(Variant.TENANT, PROJECT);

        assertThat(bundle.subtree()).contains("tenant");
        assertThat(paths(bundle)).containsExactly("extensions/pgcrypto.txt", "tables/orders.pssql",
                "migrations/2_orders_note.pgsql", "functions/shared_now.pgsql");
    }

    @Test
    void sub_trees_may_hold_the_folders_directly() {
        var bundle = read(Variant.TENANT, file("main/tables/a.sql", "a"), file("tenant/tables/b.sql", "b"),
                file("views/v.sql", "v"));

        assertThat(bundle.subtree()).contains("tenant");
        assertThat(bundle.rootPrefix()).isEmpty();
        assertThat(paths(bundle)).containsExactly("tables/b.sql", "views/v.sql");
    }

    @Test
    void a_path_in_both_the_sub_tree_and_the_shared_folders_is_refused_naming_both() {
        var refusal = Refused.asInvalid(() -> read(Variant.MAIN,
                        file("postgresql/main/postgresql/functions/now.pgsql", "main"),
                        file("postgresql/functions/now.pgsql", "shared")),
                "'postgresql/functions/now.pgsql'", "'postgresql/main/postgresql/functions/now.pgsql'",
                "both define 'functions/now.pgsql'");
        assertThat(refusal.problem().fields()).containsEntry("files",
                List.of("postgresql/functions/now.pgsql", "postgresql/main/postgresql/functions/now.pgsql"));
    }

    @Test
    void a_sql_file_beside_the_sub_trees_postgresql_level_is_refused() {
        Refused.asInvalid(() -> read(Variant.MAIN,
                        file("main/postgresql/tables/a.sql", "a"), file("main/tables/b.sql", "b")),
                "'main/tables/b.sql' is outside the sub-tree's folders, which are under 'main/postgresql/'");
    }

    @Test
    void a_missing_sub_tree_leaves_the_shared_folders() {
        var bundle = read(Variant.TENANT, file("main/tables/a.sql", "a"), file("functions/f.sql", "f"));

        assertThat(bundle.subtree()).isEmpty();
        assertThat(paths(bundle)).containsExactly("functions/f.sql");
    }

    @Test
    void a_variant_with_nothing_to_deploy_says_which_sub_tree_was_skipped() {
        Refused.asInvalid(() -> read(Variant.TENANT, file("main/tables/a.sql", "a")),
                "no SQL file", "for the tenant variant (the main/ sub-tree was skipped)");
    }
}
