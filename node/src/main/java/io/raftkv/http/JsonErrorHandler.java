package io.raftkv.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What Jetty itself answers with, for requests refused before any route runs (a request line or header it cannot
 * parse, headers too large): the same JSON error body as every other error of the HTTP port, for every method,
 * instead of Jetty's HTML page. The message is the status' reason phrase plus Jetty's short reason (never a stack
 * trace or a class name). Jetty decodes the request target before any route sees it, so a malformed percent
 * escape ({@code %zz}) is refused here, and so is a {@code %00} in the path (Jetty refuses it whatever the URI
 * compliance mode).
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        ObjectNode n = BytesJson.JSON.createObjectNode();
        n.put("error", reason(code));
        String phrase = HttpStatus.getMessage(code);
        if (code == 400 && causedBy(cause, "% encoding")) {
            message = "invalid percent escape in the request target (expected % and two hex digits)";
        } else if (code == 400 && causedBy(cause, "Illegal character in path")) {
            message = "the path holds an encoded NUL (%00), which Jetty refuses in paths: address such keys with "
                    + "/get?key=, /delete?key= or /set's key_base64";
        }
        n.put("message", message == null || message.isBlank() || message.equals(phrase) ? phrase
                : phrase + ": " + message);
        byte[] body = (n + "\n").getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Whether Jetty's URI parser refused the target for this reason: a malformed %-escape comes as a
     * NumberFormatException ("%zz") or an IllegalArgumentException about the "% encoding" ("%2" at the end), a
     * %00 in the path as an IllegalArgumentException "Illegal character in path".
     */
    private static boolean causedBy(Throwable cause, String what) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            boolean badEscape = t instanceof NumberFormatException && what.equals("% encoding");
            if (badEscape || t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).contains(what)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413, 414, 431 -> "TOO_LARGE";
            case 503 -> "UNAVAILABLE";
            default -> code >= 500 ? "INTERNAL" : "BAD_REQUEST";
        };
    }
}
