package dev.cairn.catalog;

import java.util.List;

/**
 * A PostgreSQL type as the catalog describes it.
 *
 * @param sqlName    {@code format_type(oid, NULL)}: usable in a cast, e.g. {@code character varying[]}
 * @param typtype    b base, c composite, d domain, e enum, p pseudo, r range, m multirange
 * @param category   {@code typcategory}: A array, B boolean, N numeric, S string, ...
 * @param element    the element type of an array, 0 otherwise
 * @param base       the base type of a domain, 0 otherwise
 * @param delimiter  the array element delimiter (',' for all but box)
 * @param attributes the fields of a composite type, in order; empty otherwise
 */
public record PgType(long oid, String sqlName, char typtype, char category, long element, long base, char delimiter,
                     List<Attribute> attributes) {

    public PgType {
        attributes = List.copyOf(attributes);
    }

    public record Attribute(String name, long type) {
    }

    public boolean isArray() {
        return category == 'A' && element != 0;
    }

    public boolean isComposite() {
        return typtype == 'c';
    }

    /** Arrays print their elements separated by the element type's delimiter (';' for box). */
    public char delimiterOf(Types types) {
        return types.find(element).map(PgType::delimiter).orElse(',');
    }

    public boolean isDomain() {
        return typtype == 'd';
    }
}
