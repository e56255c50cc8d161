package dev.cairn.mesh;

/**
 * A member's connection on this instance, as the mesh sees it: where its frames go. The face
 * behind it owns the socket; the mesh only queues frames and asks for a close.
 */
public interface Link {

    /** Queues one frame for the member; false when the connection is gone or cannot keep up. */
    boolean send(String frame);

    /** Asks the face to close the connection with this WebSocket code. */
    void close(int code, String reason);
}
