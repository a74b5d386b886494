package io.raftkv.http;

import java.io.ByteArrayOutputStream;

/**
 * RFC 3986 percent-decoding of one raw URI component (a path remainder or a query name or value) to the bytes it
 * names. Keys are bytes, not text: {@code %FF} is the byte 0xFF, and nothing is decoded as UTF-8 on the way.
 * {@code +} is a literal plus (the form encoding's space-as-plus is an HTML-form convention, not part of URIs);
 * a space is {@code %20}. A malformed escape, or a character that a URI cannot carry unencoded (controls, space,
 * anything outside ASCII), is refused rather than guessed at.
 */
final class PercentDecoding {

    private PercentDecoding() {
    }

    /**
     * @param raw  the component as it came on the wire (still percent-encoded)
     * @param what what the component is, for the error message ("the key in the path", "query parameter 'key'")
     * @throws HttpError 400 on a malformed escape or a character that must be percent-encoded
     */
    static byte[] decode(String raw, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    String bad = raw.substring(i, Math.min(raw.length(), i + 3));
                    throw HttpError.badRequest("invalid percent escape '" + bad + "' in " + what
                            + " (expected % and two hex digits)");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw HttpError.badRequest(what + " holds the character U+" + String.format("%04X", (int) c)
                        + ", which must be percent-encoded");
            }
        }
        return out.toByteArray();
    }
}
