package dev.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {

    private static DependencyOrder.Unit<String> unit(String item, String defines, String... uses) {
        return new DependencyOrder.Unit<>(item, Optional.ofNullable(defines), Set.of(uses));
    }

    @Test
    void definitions_come_before_their_users_and_independent_items_keep_their_order() {
        List<String> sorted = DependencyOrder.sort(List.of(
                unit("a_order_items", "order_items", "orders", "products"),
                unit("b_orders", "orders", "customers"),
                unit("c_products", "products"),
                unit("index on order_items", null, "order_items"),
                unit("z_customers", "customers")), "tables");
        assertThat(sorted).containsExactly("c_products", "z_customers", "b_orders", "a_order_items",
                "index on order_items");
    }

    @Test
    void independent_items_are_never_reversed() {
        List<String> sorted = DependencyOrder.sort(List.of(unit("1", null), unit("2", null), unit("10", null)), "x");
        assertThat(sorted).containsExactly("1", "2", "10");
    }

    @Test
    void self_references_and_unknown_names_are_ignored() {
        List<String> sorted = DependencyOrder.sort(List.of(unit("tree", "tree", "tree", "external")), "tables");
        assertThat(sorted).containsExactly("tree");
    }

    @Test
    void a_cycle_is_an_error_naming_the_objects() {
        assertThatThrownBy(() -> DependencyOrder.sort(List.of(unit("a", "a", "b"), unit("b", "b", "a"),
                unit("c", "c")), "tables"))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("a, b")
                .hasMessageNotContaining("c,");
    }
}
