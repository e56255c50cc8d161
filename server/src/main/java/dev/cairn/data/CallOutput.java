package dev.cairn.data;

import java.io.OutputStream;

/**
 * Where a call's JSON goes when it is too large to buffer: the face sends its headers and hands
 * out the body stream, once. Results that fit the buffer are returned whole instead.
 */
@FunctionalInterface
public interface CallOutput {

    OutputStream stream();
}
