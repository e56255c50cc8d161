package dev.cairn.graphql;

import graphql.normalized.ExecutableNormalizedField;
import java.util.List;

/**
 * A query's rows as GraphQL answers them, written straight from the JSON PostgreSQL built: each
 * object's members are located in the row's text (one scan, nothing parsed into values) and copied
 * out under the selection's result keys, in the selection's order, nested relations likewise. It
 * is what graphql-java would answer for a selection of plain fields and relations (no
 * {@code __typename}), at a fraction of the cost: no maps built, no fields resolved one by one, no
 * values written again. The text is PostgreSQL's {@code row_to_json}/{@code json_agg} output, so
 * well-formed JSON; the scanner relies on that and nothing more.
 */
final class RawRows {

    private RawRows() {
    }

    /** Whether every field under {@code field} can be copied: plain fields and relations only. */
    static boolean copyable(ExecutableNormalizedField field) {
        for (ExecutableNormalizedField child : field.getChildren()) {
            if (child.getName().startsWith("__") || !copyable(child)) {
                return false;
            }
        }
        return true;
    }

    /** One row (a JSON object) as the selection shows it. */
    static void object(String row, ExecutableNormalizedField selection, StringBuilder out) {
        char[] text = row.toCharArray();
        object(text, skipSpace(text, 0), selection, out);
    }

    /** Rows as a JSON array, each as the selection shows it. */
    static void array(List<String> rows, ExecutableNormalizedField selection, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            object(rows.get(i), selection, out);
        }
        out.append(']');
    }

    /** The members of one object: where each key and each value starts and ends. */
    private static final class Members {
        int count;
        int[] keyStart = new int[16];
        int[] keyEnd = new int[16];
        int[] valueStart = new int[16];
        int[] valueEnd = new int[16];

        void add(int ks, int ke, int vs, int ve) {
            if (count == keyStart.length) {
                keyStart = java.util.Arrays.copyOf(keyStart, count * 2);
                keyEnd = java.util.Arrays.copyOf(keyEnd, count * 2);
                valueStart = java.util.Arrays.copyOf(valueStart, count * 2);
                valueEnd = java.util.Arrays.copyOf(valueEnd, count * 2);
            }
            keyStart[count] = ks;
            keyEnd[count] = ke;
            valueStart[count] = vs;
            valueEnd[count] = ve;
            count++;
        }

        /** The member whose key is {@code prefix + name} (keys are GraphQL names: no escapes), or -1. */
        int find(char[] text, String prefix, String name) {
            int plen = prefix.length();
            int length = plen + name.length();
            members:
            for (int m = 0; m < count; m++) {
                int ks = keyStart[m];
                if (keyEnd[m] - ks != length) {
                    continue;
                }
                for (int j = 0; j < plen; j++) {
                    if (text[ks + j] != prefix.charAt(j)) {
                        continue members;
                    }
                }
                for (int j = 0; j < name.length(); j++) {
                    if (text[ks + plen + j] != name.charAt(j)) {
                        continue members;
                    }
                }
                return m;
            }
            return -1;
        }
    }

    /** The object starting at {@code at} ('{') as the selection shows it; returns where it ends. */
    private static int object(char[] text, int at, ExecutableNormalizedField selection, StringBuilder out) {
        Members members = new Members();
        int end = scanObject(text, at, members);
        out.append('{');
        boolean first = true;
        for (ExecutableNormalizedField child : selection.getChildren()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(child.getResultKey()).append("\":"); // GraphQL names: nothing to escape
            int m = child.getChildren().isEmpty() ? members.find(text, "", child.getName()) : -1;
            if (m >= 0) {
                out.append(text, members.valueStart[m], members.valueEnd[m] - members.valueStart[m]);
                continue;
            }
            int nested = members.find(text, SchemaFactory.RELATION_KEY, child.getResultKey());
            if (nested >= 0) {
                related(text, members.valueStart[nested], child, out);
            } else {
                out.append("null");
            }
        }
        out.append('}');
        return end;
    }

    /** A relation's value: null, one object, or an array of objects. */
    private static void related(char[] text, int at, ExecutableNormalizedField selection, StringBuilder out) {
        char c = text[at];
        if (c == '{') {
            object(text, at, selection, out);
            return;
        }
        if (c != '[') {
            out.append("null");
            return;
        }
        out.append('[');
        int i = skipSpace(text, at + 1);
        boolean first = true;
        while (text[i] != ']') {
            if (!first) {
                out.append(',');
            }
            first = false;
            i = skipSpace(text, object(text, i, selection, out));
            if (text[i] == ',') {
                i = skipSpace(text, i + 1);
            }
        }
        out.append(']');
    }

    /** Records the members of the object at {@code at}; returns the index just past its '}'. */
    private static int scanObject(char[] text, int at, Members members) {
        int i = skipSpace(text, at + 1);
        while (text[i] != '}') {
            int keyStart = i + 1;
            int keyEnd = endOfString(text, i);
            i = skipSpace(text, keyEnd + 1); // ':'
            int valueStart = skipSpace(text, i + 1);
            int valueEnd = endOfValue(text, valueStart);
            members.add(keyStart, keyEnd, valueStart, valueEnd);
            i = skipSpace(text, valueEnd);
            if (text[i] == ',') {
                i = skipSpace(text, i + 1);
            }
        }
        return i + 1;
    }

    /** The index of the closing quote of the string whose opening quote is at {@code at}. */
    private static int endOfString(char[] text, int at) {
        int i = at + 1;
        while (text[i] != '"') {
            i += text[i] == '\\' ? 2 : 1;
        }
        return i;
    }

    /** The index just past the value starting at {@code at}. */
    private static int endOfValue(char[] text, int at) {
        char c = text[at];
        if (c == '"') {
            return endOfString(text, at) + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            int i = at;
            while (true) {
                char d = text[i];
                if (d == '"') {
                    i = endOfString(text, i);
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    if (--depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
        }
        int i = at;
        while (i < text.length && text[i] != ',' && text[i] != '}' && text[i] != ']' && !Character.isWhitespace(text[i])) {
            i++;
        }
        return i;
    }

    private static int skipSpace(char[] text, int at) {
        int i = at;
        while (i < text.length && Character.isWhitespace(text[i])) {
            i++;
        }
        return i;
    }
}
