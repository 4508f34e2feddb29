package io.github.socketiojwt.testing;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes the inputs of {@code ProtocolFuzzTest} from a {@link Random}: the same seed gives the same cases.
 *
 * <p>Two server layouts are attacked, each with four protected namespaces and a different HS256 secret per
 * namespace (so a token valid on one namespace is a bad token on every other one): layout {@code H} has
 * handshake mode on {@code /} and {@code /admin_hs} and authenticate mode on {@code /admin} and {@code /chat};
 * layout {@code A} has authenticate mode on {@code /} and {@code /admin} and handshake mode on
 * {@code /admin_hs} and {@code /chat}, and lets requests for other paths through to the application
 * ({@code Configuration.setAllowCustomRequests(true)}, as the README advises for HTTP handlers of one's own).
 *
 * <p>Kinds of case: {@code hs-connect} (a v4 CONNECT {@code auth} payload or a v3 CONNECT, with tokens of every
 * JSON type), {@code authenticate} and {@code authenticate-binary} (an {@code authenticate} event, text or with a
 * binary attachment), {@code header} and {@code query} (the handshake's {@code Authorization} header or
 * {@code ?token=}), {@code raw} (byte-for-byte handshakes: percent garbage, control bytes in headers, other
 * paths), {@code mutated:*} (any of those, randomly corrupted, with no valid token anywhere) and {@code junk}
 * (random packets). Structured cases expect an answer on their target namespace; {@link #valid} makes a valid
 * client that must be served.
 */
public final class FuzzCaseGenerator {

    private static final String[] INTERESTING_CHARS = {"0", "1", "9", "/", ",", "[", "]", "{", "}", "\"", "\\", "-",
        ":", "\u001e", "\u0000", "\u00e9", "\ud800", "?", "&", "%", " ", "\n", "\u00ff", "\u202e"};
    private static final String[] INTERESTING_STRINGS = {"_placeholder", "{\"_placeholder\":true,\"num\":0}",
        "\"num\":1", "authenticate", "451-", "452-", "/admin,", "/admin_hs,", "/chat,", "/nope,", "\u001e40",
        "1:", "999999999999", "null", "[", "{", "\"token\":", "\"token\":null", "\\u0000", "\\ud800", "echo",
        "\"whoami\"", ",", "}]", "\u001e", "b4", "40", "41", "1"};

    private final Map<String, String> secrets;

    /**
     * A generator for servers whose namespaces verify HS256 tokens with these secrets.
     *
     * @param secrets each namespace's secret, for {@code /}, {@code /admin}, {@code /admin_hs} and {@code /chat}
     */
    public FuzzCaseGenerator(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    /**
     * Whether a namespace of a layout is in handshake mode (else authenticate mode).
     *
     * @param layout {@code H} or {@code A}
     * @param namespace one of the four namespaces
     * @return whether it is in handshake mode
     */
    public static boolean handshakeMode(String layout, String namespace) {
        if ("H".equals(layout)) {
            return "/".equals(namespace) || "/admin_hs".equals(namespace);
        }
        return "/admin_hs".equals(namespace) || "/chat".equals(namespace);
    }

    /**
     * A valid token for a namespace.
     *
     * @param namespace the namespace
     * @param subject the token's subject
     * @return the token
     */
    public String validToken(String namespace, String subject) {
        return TestTokens.token(secrets.get(namespace), subject, Instant.now().plusSeconds(3600));
    }

    // ---------------------------------------------------------------- the entry points

    /**
     * A random case.
     *
     * @param id its name in reports
     * @param r the case's own random source
     * @return the case
     */
    public FuzzCase next(String id, Random r) {
        int dice = r.nextInt(100);
        if (dice < 27) {
            return structured(id, r, "hs-connect", true).build();
        }
        if (dice < 47) {
            return structured(id, r, "authenticate", true).build();
        }
        if (dice < 57) {
            return structured(id, r, "authenticate-binary", true).build();
        }
        if (dice < 64) {
            return structured(id, r, "header", true).build();
        }
        if (dice < 70) {
            return structured(id, r, "query", true).build();
        }
        if (dice < 76) {
            return structured(id, r, "raw", false).build();
        }
        if (dice < 94) {
            String base = new String[] {"hs-connect", "authenticate", "authenticate-binary", "header", "raw"}[r.nextInt(5)];
            FuzzCase.Builder b = structured(id, r, "mutated:" + base, false);
            mutate(b, r);
            return b.answerOn(null).build();
        }
        return junk(id, r);
    }

    /**
     * A valid client: it authenticates on one namespace, then emits {@code echo} and must get
     * {@code echo-response}.
     *
     * @param id its name in reports
     * @param r the case's own random source
     * @return the case
     */
    public FuzzCase valid(String id, Random r) {
        String layout = r.nextBoolean() ? "H" : "A";
        int eio = r.nextBoolean() ? 4 : 3;
        FuzzCase.Wire wire = new FuzzCase.Wire[] {FuzzCase.Wire.POLLING, FuzzCase.Wire.WEBSOCKET,
            FuzzCase.Wire.UPGRADE}[r.nextInt(3)];
        String ns;
        do {
            ns = TestServer.NAMESPACES.get(r.nextInt(4));
            // a v3 client's handshake token is read by every handshake namespace: on layout H, "/" would refuse
            // a token made for /admin_hs
        } while (eio == 3 && "H".equals(layout) && "/admin_hs".equals(ns));
        String echo = "served-" + id.replaceAll("[^A-Za-z0-9-]", "-");
        FuzzCase.Builder b = FuzzCase.builder(id, "valid").layout(layout).eio(eio).wire(wire).servedBy(echo);
        String token = validToken(ns, "valid-" + echo);
        b.validOn(ns).marker(token).marker(signature(token));
        boolean hs = handshakeMode(layout, ns);
        if (eio == 3 && "H".equals(layout) && !"/".equals(ns)) {
            String root = validToken("/", "valid-root-" + echo); // keeps "/" from refusing the connection
            b.query("token", root).validOn("/").marker(root).marker(signature(root));
        }
        if (hs) {
            if (eio == 4) {
                b.packets(connect(4, ns, "{\"token\":\"" + token + "\"}"));
            } else {
                b.query("token", token);
                if (!"/".equals(ns)) {
                    b.packets(connect(3, ns, null));
                }
            }
            b.await("42" + prefix(ns) + "[\"hi\"");
        } else {
            if (eio == 4 || !"/".equals(ns)) {
                b.packets(connect(eio, ns, null));
                b.await("40" + (eio == 4 ? prefix(ns) : "/".equals(ns) ? "" : ns));
            }
            b.packets(event(ns, "", "[\"authenticate\",{\"token\":\"" + token + "\"}]"));
            b.await("42" + prefix(ns) + "[\"authenticated\"");
        }
        b.packets(event(ns, "", "[\"echo\",\"" + echo + "\"]"));
        return b.build();
    }

    // ---------------------------------------------------------------- structured cases

    private FuzzCase.Builder structured(String id, Random r, String kind, boolean mayHoldValid) {
        String base = kind.startsWith("mutated:") ? kind.substring("mutated:".length()) : kind;
        boolean mutated = !base.equals(kind);
        String layout = r.nextBoolean() ? "H" : "A";
        int eio = r.nextInt(5) < 3 ? 4 : 3;
        FuzzCase.Wire wire;
        if (base.equals("raw")) {
            wire = r.nextBoolean() ? FuzzCase.Wire.RAW_POLLING : FuzzCase.Wire.RAW_WEBSOCKET;
        } else {
            int w = r.nextInt(10);
            wire = w < 4 ? FuzzCase.Wire.POLLING : w < 8 ? FuzzCase.Wire.WEBSOCKET : FuzzCase.Wire.UPGRADE;
        }
        boolean authenticateKind = base.startsWith("authenticate");
        String target = pick(r, layout, !authenticateKind);
        FuzzCase.Builder b = FuzzCase.builder(id, kind).layout(layout).eio(eio).wire(wire);
        Tokens t = new Tokens(r, b, layout, !mutated);
        List<Unit> units = new ArrayList<>();

        // The handshake: its sources of a token (handshake mode reads them), or noise (authenticate mode).
        String style = "payload";
        if (base.equals("header") || base.equals("query") || base.equals("raw")) {
            style = base;
        } else if (!authenticateKind && eio == 3) {
            style = r.nextBoolean() ? "header" : "query";
        } else if (!authenticateKind && r.nextInt(4) == 0) {
            style = r.nextBoolean() ? "header" : "query";
        }
        t.foreign.clear();
        if (style.equals("raw")) {
            b.shape(raw(b, r, t, target));
        } else if (wire.raw()) {
            throw new IllegalStateException("raw wire for " + kind);
        } else {
            // noise header only where it is not the source that decides (a header wins over a query token)
            if (style.equals("header") || (!style.equals("query") && r.nextInt(6) == 0)) {
                b.header("Authorization", authorization(r, t, target));
                if (style.equals("header") && !authenticateKind) {
                    b.shape(t.last);
                }
            }
            if (style.equals("query") || (r.nextInt(6) == 0)) {
                b.query("token", t.badString(target, false));
                if (style.equals("query") && !authenticateKind) {
                    b.shape("query token:" + t.last);
                }
            }
            if (r.nextInt(10) == 0) {
                noiseHeaders(b, r);
            }
        }
        for (String other : t.foreign) {
            // a handshake token valid for another handshake namespace legitimately opens that one
            if (handshakeMode(layout, other)) {
                b.validOn(other);
            }
        }

        // A valid authentication on another namespace, to see that it opens nothing else.
        if (mayHoldValid && !mutated && r.nextInt(5) == 0) {
            validElsewhere(units, r, b, layout, eio, target);
        }

        boolean hs = handshakeMode(layout, target);
        if (hs) {
            if (eio == 3 && "/".equals(target)) {
                b.presentsAtHandshake(); // a v3 client is verified on "/" as soon as its session opens
                units.addAll(junkUnits(r, layout, eio, 0, 3, true));
            } else {
                units.addAll(junkUnits(r, layout, eio, 0, 2, true));
                poison(units, r, b);
                String payload = null;
                if (eio == 4) {
                    if (style.equals("payload")) {
                        String token = t.json(target);
                        String tokenShape = t.last;
                        payload = authPayload(r, token, t);
                        b.shape("payload:" + t.last + " token:" + tokenShape);
                    } else {
                        payload = new String[] {null, null, "{}", "{\"token\":null}", "{\"token\":\"\"}",
                            "{\"Token\":\"x\"}"}[r.nextInt(6)];
                    }
                }
                String connect = connect(eio, target, payload);
                if (eio == 3 && !"/".equals(target) && r.nextInt(5) == 0) {
                    // socket.io-client 2.x's form for a namespace with a query: "40/chat?token=x,"
                    connect += "?token=" + URLEncoder.encode(t.badString(target, false), StandardCharsets.UTF_8);
                    if (r.nextInt(4) == 0) {
                        b.tag("v3-namespace-query-without-comma");
                    } else {
                        connect += ",";
                    }
                }
                units.add(Unit.presenting(new FuzzCase.Packets(List.of(connect))));
            }
        } else {
            if (eio == 4 || !"/".equals(target)) {
                String payload = null;
                if (eio == 4 && r.nextInt(4) == 0) {
                    String token = t.json(target);
                    String tokenShape = t.last;
                    payload = authPayload(r, token, t);
                    b.tag("connect-payload:" + t.last + " token:" + tokenShape);
                }
                String connect = connect(eio, target, payload);
                units.add(Unit.of(new FuzzCase.Packets(List.of(connect))));
                if (r.nextBoolean()) {
                    units.add(Unit.of(new FuzzCase.Await("40" + (eio == 4 ? prefix(target)
                            : "/".equals(target) ? "" : target))));
                }
            }
            units.addAll(junkUnits(r, layout, eio, 0, 2, true));
            poison(units, r, b);
            if (base.equals("authenticate-binary")) {
                units.addAll(binaryAuthenticate(r, t, eio, wire, target));
            } else {
                units.add(Unit.presenting(new FuzzCase.Packets(List.of(authenticate(r, t, target)))));
            }
            b.shape(t.last);
        }
        units.addAll(junkUnits(r, layout, eio, 0, 4, true));
        b.answerOn(target);
        group(b, units, r);
        return b;
    }

    private static String pick(Random r, String layout, boolean handshake) {
        List<String> choices = new ArrayList<>();
        for (String ns : TestServer.NAMESPACES) {
            if (handshakeMode(layout, ns) == handshake) {
                choices.add(ns);
            }
        }
        return choices.get(r.nextInt(choices.size()));
    }

    private void validElsewhere(List<Unit> units, Random r, FuzzCase.Builder b, String layout, int eio,
            String target) {
        List<String> choices = new ArrayList<>();
        for (String ns : TestServer.NAMESPACES) {
            boolean hs = handshakeMode(layout, ns);
            // a valid v3 handshake token would also be read by the target (if it is in handshake mode): keep
            // valid tokens to CONNECT payloads and authenticate events
            if (!ns.equals(target) && (!hs || eio == 4) && !(eio == 3 && "/".equals(ns) && !hs)) {
                choices.add(ns);
            }
        }
        if (choices.isEmpty()) {
            return;
        }
        String ns = choices.get(r.nextInt(choices.size()));
        String token = validToken(ns, "valid-elsewhere-" + b.hashCode());
        b.validOn(ns).marker(token).marker(signature(token));
        if (handshakeMode(layout, ns)) {
            units.add(Unit.of(new FuzzCase.Packets(List.of(connect(4, ns, "{\"token\":\"" + token + "\"}")))));
        } else {
            units.add(Unit.of(new FuzzCase.Packets(List.of(connect(eio, ns, null)))));
            units.add(Unit.of(new FuzzCase.Packets(List.of(event(ns, "",
                    "[\"authenticate\",{\"token\":\"" + token + "\"}]")))));
        }
        if (r.nextBoolean()) {
            units.add(Unit.of(new FuzzCase.Await("42" + prefix(ns) + "[\"hi\"")));
        }
        units.add(Unit.of(new FuzzCase.Packets(List.of(event(ns, "", "[\"echo\",\"elsewhere\"]")))));
    }

    private static String authPayload(Random r, String tokenJson, Tokens t) {
        String[] shapes = {"object+extra", "bare-value", "array", "duplicate-token-key", "nested-auth",
            "object+trailing-garbage", "Token-key"};
        int dice = r.nextInt(12);
        t.last = dice < shapes.length ? shapes[dice] : "object";
        switch (dice) {
            case 0:
                return "{\"token\":" + tokenJson + ",\"extra\":1}";
            case 1:
                return tokenJson; // not an object
            case 2:
                return "[{\"token\":" + tokenJson + "}]";
            case 3:
                return "{\"token\":" + tokenJson + ",\"token\":" + tokenJson + "}";
            case 4:
                return "{\"auth\":{\"token\":" + tokenJson + "}}";
            case 5:
                return "{\"token\":" + tokenJson + "}}]garbage";
            case 6:
                return "{\"Token\":" + tokenJson + "}";
            default:
                return "{\"token\":" + tokenJson + "}";
        }
    }

    private static String authenticate(Random r, Tokens t, String ns) {
        String token = t.json(ns);
        String[] shapes = {"bare-arg", "no-arg", "extra-arg", "with-ack", "Token-key", "extra-fields"};
        int dice = r.nextInt(10);
        t.last = "authenticate:" + (dice < shapes.length ? shapes[dice] : "object") + " token:" + t.last;
        switch (dice) {
            case 0:
                return event(ns, "", "[\"authenticate\"," + token + "]");
            case 1:
                return event(ns, "", "[\"authenticate\"]");
            case 2:
                return event(ns, "", "[\"authenticate\",{\"token\":" + token + "},{\"extra\":true}]");
            case 3:
                return event(ns, Integer.toString(r.nextInt(1000)), "[\"authenticate\",{\"token\":" + token + "}]");
            case 4:
                return event(ns, "", "[\"authenticate\",{\"Token\":" + token + "}]");
            case 5:
                return event(ns, "", "[\"authenticate\",{\"token\":" + token + ",\"x\":[1,{\"y\":null}]}]");
            default:
                return event(ns, "", "[\"authenticate\",{\"token\":" + token + "}]");
        }
    }

    /** Sometimes, a packet that the server cannot decode or route, before the token: tagged in the shape. */
    private static void poison(List<Unit> units, Random r, FuzzCase.Builder b) {
        if (r.nextInt(8) == 0) {
            String packet = POISON[r.nextInt(POISON.length)];
            units.add(Unit.of(new FuzzCase.Packets(List.of(packet))));
            b.tag("after-undecodable " + FuzzCase.escape(packet));
        }
    }

    private List<Unit> binaryAuthenticate(Random r, Tokens t, int eio, FuzzCase.Wire wire, String ns) {
        String placeholder = r.nextInt(4) == 0 ? "{\"num\":0,\"_placeholder\":true}" : "{\"_placeholder\":true,\"num\":0}";
        String args;
        switch (r.nextInt(4)) {
            case 0:
                args = "[\"authenticate\"," + placeholder + "]";
                break;
            case 1:
                args = "[\"authenticate\",{\"token\":" + placeholder + ",\"x\":1}]";
                break;
            default:
                args = "[\"authenticate\",{\"token\":" + placeholder + "}]";
        }
        String ack = r.nextInt(4) == 0 ? Integer.toString(r.nextInt(100)) : "";
        String header = "451-" + prefix(ns) + ack + args;
        byte[] data;
        String dataShape;
        switch (r.nextInt(5)) {
            case 0:
                data = new byte[0];
                dataShape = "empty";
                break;
            case 1:
                data = new byte[1 + r.nextInt(64)];
                r.nextBytes(data);
                dataShape = "random-bytes";
                break;
            case 2:
                data = new byte[70_000];
                dataShape = "70000-zero-bytes";
                break;
            default:
                data = t.badString(ns, false).getBytes(StandardCharsets.UTF_8);
                dataShape = "utf8-of-" + t.last;
        }
        t.last = "binary-authenticate data:" + dataShape + (wire.webSocket() ? " as a binary frame"
                : eio == 4 ? " as a b64 record" : " in an XHR2 payload");
        List<Unit> units = new ArrayList<>();
        if (wire.webSocket()) {
            units.add(Unit.of(new FuzzCase.Packets(List.of(header))));
            byte[] frame = data;
            if (eio == 3) {
                frame = new byte[data.length + 1];
                frame[0] = 4; // Engine.IO v3 puts the packet type before binary data
                System.arraycopy(data, 0, frame, 1, data.length);
            }
            units.add(Unit.presenting(new FuzzCase.Bytes(frame)));
        } else if (eio == 4) {
            units.add(Unit.presenting(new FuzzCase.Packets(List.of(header,
                    "b" + Base64.getEncoder().encodeToString(data)))));
        } else {
            units.add(Unit.presenting(new FuzzCase.Bytes(eio3BinaryPayload(header, data))));
        }
        return units;
    }

    /** An Engine.IO v3 XHR2 payload: a string packet, then a binary one (socket.io-client 2.x's framing). */
    static byte[] eio3BinaryPayload(String text, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(0);
        for (char digit : Integer.toString(bytes.length).toCharArray()) {
            out.write(digit - '0');
        }
        out.write(0xFF);
        out.writeBytes(bytes);
        out.write(1);
        for (char digit : Integer.toString(data.length + 1).toCharArray()) {
            out.write(digit - '0');
        }
        out.write(0xFF);
        out.write(4);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private String authorization(Random r, Tokens t, String target) {
        String token = t.badString(target, true);
        String[] shapes = {"Bearer-alone", "Bearer-space", "Basic", "Bearer+extra-part", "lowercase-bearer",
            "BEARER-two-spaces", "oversized", "leading-space", "other-scheme", "Bearer-tab"};
        int dice = r.nextInt(14);
        t.last = "header:" + (dice < shapes.length ? shapes[dice] : "Bearer") + (dice == 6 ? "" : " token:" + t.last);
        switch (dice) {
            case 0:
                return "Bearer";
            case 1:
                return "Bearer ";
            case 2:
                return "Basic dXNlcjpwYXNzd29yZA==";
            case 3:
                return "Bearer " + token + " extra";
            case 4:
                return "bearer " + token;
            case 5:
                return "BEARER  " + token;
            case 6:
                return "Bearer " + t.nonce() + "A".repeat(new int[] {9_000, 70_000, 1 << 20}[r.nextInt(3)]);
            case 7:
                return " Bearer " + token;
            case 8:
                return "Token " + token;
            case 9:
                return "Bearer\t" + token;
            default:
                return "Bearer " + token;
        }
    }

    private static void noiseHeaders(FuzzCase.Builder b, Random r) {
        switch (r.nextInt(5)) {
            case 0:
                b.header("Cookie", "io=" + java.util.UUID.randomUUID() + "; token=x");
                break;
            case 1:
                b.header("io", java.util.UUID.randomUUID().toString());
                break;
            case 2:
                b.header("Origin", "null");
                break;
            case 3:
                b.header("X-Forwarded-For", "::1, garbage, 999.1.1.1");
                break;
            default:
                b.header("User-Agent", "fuzz " + "x".repeat(r.nextInt(5000)));
        }
    }

    // ---------------------------------------------------------------- raw handshakes

    private String raw(FuzzCase.Builder b, Random r, Tokens t, String target) {
        int dice = r.nextInt(10);
        String shape;
        if (dice < 4) {
            b.rawQuery(percentGarbage(r, t, target));
            shape = "raw-query";
        } else if (dice < 8) {
            b.rawHeader(rawAuthorization(r, t, target));
            shape = t.last;
            if (r.nextInt(4) == 0) {
                b.rawHeader("Authorization: Bearer " + t.badString(target, true));
                shape += " +second-Authorization";
            }
        } else {
            String[] paths = {"/socket.io", "/socket.iox/", "/SOCKET.IO/", "/socket.io/../socket.io/", "/other",
                "//socket.io/", "/socket.io/x/", "/socket.io/%zz/", "/socket.io/?", "/other?", "/socket.iox/?"};
            String path = paths[r.nextInt(paths.length)];
            b.path(path);
            String token = t.badString(target, true);
            b.rawQuery("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            shape = "path " + path + " with ?token=";
        }
        if (r.nextInt(5) == 0) {
            b.rawHeader("X-Garbage-" + r.nextInt(100) + ": " + controlGarbage(r));
            shape += " +control-bytes-header";
        }
        return shape;
    }

    private String percentGarbage(Random r, Tokens t, String target) {
        String[] bits = {"%", "%z", "%zz", "%%", "%E0%A4", "%ED%A0%80", "%C0%80", "%FF%FE", "%00", "%0A", "%0D%0A",
            "a%2", "%u0041", "%25zz", "+", "%2B", "%3D%3D", "%26token%3Dx", "%F0%9F%98", "%e9", "%7F", "%20"};
        StringBuilder value = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            value.append(bits[r.nextInt(bits.length)]);
            if (r.nextInt(3) == 0) {
                value.append(t.nonce());
            }
        }
        if (r.nextInt(3) == 0) {
            value.append(URLEncoder.encode(t.badString(target, true), StandardCharsets.UTF_8));
        }
        switch (r.nextInt(8)) {
            case 0:
                return "token=" + value + "&token=" + value;
            case 1:
                return "token";
            case 2:
                return "to%6Ben=" + value;
            case 3:
                return "token=" + "%41".repeat(1000 + r.nextInt(2000));
            case 4:
                return "=" + value + "&&&token=" + value;
            default:
                return "token=" + value;
        }
    }

    private String rawAuthorization(Random r, Tokens t, String target) {
        String token = t.badString(target, true);
        String[] shapes = {"control-bytes", "latin1-bytes", "utf8-bytes", "oversized", "obs-fold",
            "space-before-colon", "no-space-after-colon", "empty-name"};
        int dice = r.nextInt(9);
        t.last = "raw-header:" + (dice < shapes.length ? shapes[dice] : "NUL-at-end");
        switch (dice) {
            case 0:
                return "Authorization: Bearer " + token + controlGarbage(r);
            case 1:
                return "Authorization: Bearer \u00ff\u00fe" + t.nonce();
            case 2:
                return "Authorization: Bearer \u00e9\u20ac" + t.nonce(); // not Latin-1: the head goes out as UTF-8
            case 3:
                return "Authorization: Bearer " + t.nonce() + "A".repeat(new int[] {9_000, 70_000, 1 << 20}[r.nextInt(3)]);
            case 4:
                return "Authorization: Bearer " + token + "\r\n continued-" + t.nonce();
            case 5:
                return "Authorization : Bearer " + token;
            case 6:
                return "Authorization:Bearer " + token;
            case 7:
                return ": Bearer " + token;
            default:
                return "Authorization: Bearer " + token + "\u0000";
        }
    }

    private static String controlGarbage(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(33);
            s.append(c == 32 ? '\u007f' : c == 10 || c == 13 ? '\u0001' : (char) c);
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- junk

    private FuzzCase junk(String id, Random r) {
        String layout = r.nextBoolean() ? "H" : "A";
        int eio = r.nextBoolean() ? 4 : 3;
        FuzzCase.Wire wire = new FuzzCase.Wire[] {FuzzCase.Wire.POLLING, FuzzCase.Wire.WEBSOCKET,
            FuzzCase.Wire.UPGRADE, FuzzCase.Wire.RAW_POST_ONLY}[r.nextInt(4)];
        FuzzCase.Builder b = FuzzCase.builder(id, "junk").layout(layout).eio(eio).wire(wire);
        List<Unit> units = new ArrayList<>();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) {
                String ns = TestServer.NAMESPACES.get(r.nextInt(4));
                units.add(Unit.of(new FuzzCase.Packets(List.of(connect(eio, ns, eio == 4 && r.nextBoolean()
                        ? "{\"token\":\"" + "x".repeat(r.nextInt(40)) + "\"}" : null)))));
            }
            units.addAll(junkUnits(r, layout, eio, 1, 3, false));
            if (r.nextInt(6) == 0) {
                byte[] bytes = new byte[r.nextInt(200)];
                r.nextBytes(bytes);
                units.add(Unit.of(new FuzzCase.Bytes(bytes)));
            }
        }
        group(b, units, r);
        return b.build();
    }

    private static List<Unit> junkUnits(Random r, String layout, int eio, int min, int max, boolean safe) {
        List<Unit> units = new ArrayList<>();
        int n = min + r.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            units.add(Unit.of(new FuzzCase.Packets(List.of(junkPacket(r, eio, safe)))));
        }
        return units;
    }

    /**
     * A packet that is no token presentation: events, acks and Engine.IO packets. Safe ones neither connect,
     * disconnect, close, nor leave a binary packet waiting for attachments.
     */
    static String junkPacket(Random r, int eio, boolean safe) {
        String ns = TestServer.NAMESPACES.get(r.nextInt(4));
        String[] safeOnes = {
            event(ns, "", "[\"echo\",\"junk\"]"),
            event(ns, Integer.toString(r.nextInt(50)), "[\"echo\",1]"),
            event(ns, "", "[\"whoami\",{}]"),
            event(ns, "", "[\"hi\"]"),
            event(ns, "", "[\"authenticated\"]"),
            event(ns, "", "[\"unauthorized\",{}]"),
            event(ns, "", "[\"connect\"]"),
            event(ns, "", "[\"disconnect\"]"),
            event(ns, "", "[\"__proto__\",{\"token\":\"x\"}]"),
            event(ns, "", "[\"echo\",{\"_placeholder\":true,\"num\":0}]"),
            "43" + prefix(ns) + r.nextInt(3) + "[1]",
            "44" + prefix(ns) + "{}",
            "2", "3", "6",
        };
        if (safe || r.nextInt(3) > 0) {
            return safeOnes[r.nextInt(safeOnes.length)];
        }
        if (r.nextBoolean()) {
            return POISON[r.nextInt(POISON.length)];
        }
        String[] unsafe = {
            "41" + (eio == 4 ? prefix(ns) : "/".equals(ns) ? "" : ns),
            "1", "5", "2probe",
            "451-" + prefix(ns) + "[\"echo\",{\"_placeholder\":true,\"num\":0}]",
            "452-" + prefix(ns) + "[\"authenticate\",{\"token\":{\"_placeholder\":true,\"num\":1}}]",
            "461-" + prefix(ns) + "0[{\"_placeholder\":true,\"num\":0}]",
            "40" + prefix(ns) + "{\"token\":\"" + "\\u0000".repeat(r.nextInt(4)) + "\"}",
            connect(eio, ns, null),
            "b" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
        };
        return unsafe[r.nextInt(unsafe.length)];
    }

    /**
     * Packets the server cannot decode or route (an unknown namespace, a MESSAGE without a type, an ack without
     * an id, an event that is no array of a name and arguments); on long-polling, whatever follows them in the
     * same payload is dropped.
     */
    static final String[] POISON = {"46", "4", "49", "42", "42[]", "42{}", "42[\"echo\"", "42[null]", "42[1,2]",
        "4" + "[".repeat(50), "42/nope,[\"echo\"]", "40/nope,"};

    // ---------------------------------------------------------------- mutation

    private static void mutate(FuzzCase.Builder b, Random r) {
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            List<FuzzCase.Step> steps = b.steps();
            int dice = r.nextInt(12);
            if (dice == 0 && !b.headers().isEmpty()) {
                String name = b.headers().keySet().iterator().next();
                b.headers().put(name, printable(mutateText(b.headers().get(name), r)));
                continue;
            }
            if (dice == 1 && !b.queryParams().isEmpty()) {
                String name = b.queryParams().keySet().iterator().next();
                b.queryParams().put(name, mutateText(b.queryParams().get(name), r));
                continue;
            }
            if (dice == 2 && !b.rawQueryText().isEmpty()) {
                b.rawQuery(mutateText(b.rawQueryText(), r).replace(" ", "%20").replace("#", "%23"));
                continue;
            }
            if (steps.isEmpty()) {
                steps.add(new FuzzCase.Packets(List.of(junkPacket(r, 4, false))));
                continue;
            }
            int at = r.nextInt(steps.size());
            FuzzCase.Step step = steps.get(at);
            if (step instanceof FuzzCase.Packets p && !p.packets().isEmpty()) {
                List<String> packets = new ArrayList<>(p.packets());
                int k = r.nextInt(packets.size());
                switch (r.nextInt(8)) {
                    case 0:
                        packets.add(k, packets.get(k)); // duplicate
                        break;
                    case 1:
                        if (packets.size() > 1) {
                            packets.remove(k);
                        } else {
                            packets.set(k, mutateText(packets.get(k), r));
                        }
                        break;
                    case 2:
                        String whole = packets.get(k);
                        int cut = whole.isEmpty() ? 0 : r.nextInt(whole.length());
                        packets.set(k, whole.substring(0, cut));
                        packets.add(k + 1, whole.substring(cut)); // split
                        break;
                    case 3:
                        packets.add(r.nextInt(packets.size() + 1), junkPacket(r, 4, false));
                        break;
                    default:
                        packets.set(k, mutateText(packets.get(k), r));
                }
                steps.set(at, new FuzzCase.Packets(packets));
            } else if (step instanceof FuzzCase.Bytes bytes) {
                steps.set(at, new FuzzCase.Bytes(mutateBytes(bytes.bytes(), r)));
            } else if (r.nextBoolean()) {
                steps.remove(at); // an Await: do not wait
            }
            if (r.nextInt(8) == 0 && steps.size() > 1) {
                int x = r.nextInt(steps.size());
                int y = r.nextInt(steps.size());
                FuzzCase.Step s = steps.get(x);
                steps.set(x, steps.get(y));
                steps.set(y, s);
            }
        }
    }

    static String mutateText(String s, Random r) {
        StringBuilder m = new StringBuilder(s);
        int pos = m.length() == 0 ? 0 : r.nextInt(m.length() + 1);
        switch (r.nextInt(9)) {
            case 0:
                if (pos < m.length()) {
                    m.replace(pos, pos + 1, INTERESTING_CHARS[r.nextInt(INTERESTING_CHARS.length)]);
                }
                break;
            case 1:
                m.insert(pos, INTERESTING_CHARS[r.nextInt(INTERESTING_CHARS.length)]);
                break;
            case 2:
                m.insert(pos, INTERESTING_STRINGS[r.nextInt(INTERESTING_STRINGS.length)]);
                break;
            case 3:
                if (pos < m.length()) {
                    m.delete(pos, Math.min(m.length(), pos + 1 + r.nextInt(8)));
                }
                break;
            case 4:
                m.setLength(pos);
                break;
            case 5:
                if (m.length() > 1) {
                    m.replace(0, Math.min(2, m.length()), new String[] {"40", "41", "42", "43", "44", "45", "46",
                        "4", "2", "3", "5", "6", "0", "1", "9"}[r.nextInt(15)]);
                }
                break;
            case 6:
                if (pos < m.length()) {
                    int end = Math.min(m.length(), pos + 1 + r.nextInt(16));
                    m.insert(pos, m.substring(pos, end).repeat(1 + r.nextInt(20)));
                }
                break;
            case 7:
                m.insert(pos, (char) ('0' + r.nextInt(10)));
                break;
            default:
                int digit = m.indexOf("4");
                if (digit >= 0 && digit + 1 < m.length()) {
                    m.setCharAt(digit + 1, (char) ('0' + r.nextInt(10)));
                }
        }
        return m.toString();
    }

    private static byte[] mutateBytes(byte[] bytes, Random r) {
        byte[] m = bytes.length == 0 ? new byte[] {(byte) r.nextInt(256)} : bytes.clone();
        switch (r.nextInt(4)) {
            case 0:
                m[r.nextInt(m.length)] = (byte) new int[] {0, 1, 4, 0x1e, 0xff, ':', '-', '['}[r.nextInt(8)];
                return m;
            case 1:
                byte[] cut = new byte[r.nextInt(m.length)];
                System.arraycopy(m, 0, cut, 0, cut.length);
                return cut;
            case 2:
                m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                return m;
            default:
                byte[] longer = new byte[m.length + 1 + r.nextInt(16)];
                System.arraycopy(m, 0, longer, 0, m.length);
                return longer;
        }
    }

    private static String printable(String s) {
        StringBuilder p = new StringBuilder();
        for (char c : s.toCharArray()) {
            p.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return p.toString();
    }

    // ---------------------------------------------------------------- packets

    /**
     * The namespace part of a v3/v4 event packet.
     *
     * @param ns the namespace
     * @return {@code ""} for {@code /}, else the name and a comma
     */
    static String prefix(String ns) {
        return "/".equals(ns) ? "" : ns + ",";
    }

    /**
     * A CONNECT packet.
     *
     * @param eio the Engine.IO version
     * @param ns the namespace
     * @param payload the v4 {@code auth} payload, or {@code null}
     * @return the packet
     */
    static String connect(int eio, String ns, String payload) {
        if (eio == 3) {
            return "40" + ("/".equals(ns) ? "" : ns);
        }
        return "40" + prefix(ns) + (payload == null ? "" : payload);
    }

    /**
     * An EVENT packet.
     *
     * @param ns the namespace
     * @param ackId an ack id, or {@code ""}
     * @param json the array of name and arguments
     * @return the packet
     */
    static String event(String ns, String ackId, String json) {
        return "42" + prefix(ns) + ackId + json;
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    /** Puts units into steps: neighbouring packet units may share one POST (polling) or stay apart. */
    private static void group(FuzzCase.Builder b, List<Unit> units, Random r) {
        List<String> pending = new ArrayList<>();
        boolean pendingPresents = false;
        for (Unit unit : units) {
            if (unit.step() instanceof FuzzCase.Packets p && (pending.isEmpty() || r.nextInt(3) > 0)) {
                pending.addAll(p.packets());
                pendingPresents |= unit.presents();
                continue;
            }
            if (!pending.isEmpty()) {
                b.packets(pending);
                if (pendingPresents) {
                    b.presentsHere();
                }
                pending = new ArrayList<>();
                pendingPresents = false;
            }
            if (unit.step() instanceof FuzzCase.Packets p) {
                pending.addAll(p.packets());
                pendingPresents = unit.presents();
            } else {
                b.step(unit.step());
                if (unit.presents()) {
                    b.presentsHere();
                }
            }
        }
        if (!pending.isEmpty()) {
            b.packets(pending);
            if (pendingPresents) {
                b.presentsHere();
            }
        }
    }

    /** A step, and whether it carries the case's token presentation. */
    private record Unit(FuzzCase.Step step, boolean presents) {
        static Unit of(FuzzCase.Step step) {
            return new Unit(step, false);
        }

        static Unit presenting(FuzzCase.Step step) {
            return new Unit(step, true);
        }
    }

    // ---------------------------------------------------------------- tokens

    /** The bad tokens of one case; each one's identifying parts become markers that no log line may contain. */
    private final class Tokens {
        private final Random r;
        private final FuzzCase.Builder b;
        private final String layout;
        private final boolean foreignAllowed;
        /** The shape of the last token made, for reports. */
        String last = "";
        /** The namespaces of the valid tokens made for other namespaces. */
        final List<String> foreign = new ArrayList<>();

        Tokens(Random r, FuzzCase.Builder b, String layout, boolean foreignAllowed) {
            this.r = r;
            this.b = b;
            this.layout = layout;
            this.foreignAllowed = foreignAllowed;
        }

        String nonce() {
            StringBuilder n = new StringBuilder("nz");
            String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            for (int i = 0; i < 12; i++) {
                n.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String nonce = n.toString();
            b.marker(nonce);
            return nonce;
        }

        private String jwt(String token) {
            b.marker(token).marker(signature(token));
            return token;
        }

        /**
         * A bad token for a namespace, as a Java string.
         *
         * @param ns the namespace it is presented to
         * @param printable whether it goes into a header or query of java.net.http (printable ASCII only)
         */
        String badString(String ns, boolean printable) {
            String s = badStringAnyChars(ns);
            return printable ? printableToken(s) : s;
        }

        private String printableToken(String s) {
            StringBuilder p = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c >= 0x21 && c < 0x7F) {
                    p.append(c);
                }
            }
            return p.length() == 0 ? "x" + nonce() : p.toString();
        }

        private String badStringAnyChars(String ns) {
            String subject = "bad-" + nonce();
            String[] shapes = {"jwt-other-secret", "jwt-expired", "jwt-tampered-payload", "alg-none",
                foreignAllowed ? "jwt-of-another-namespace" : "jwt-other-secret", "jwt-flipped-signature",
                "junk-word", "Bearer+jwt-in-value", "Bearer-words", "jwt+trailing-ws-or-NUL", "control-chars",
                "lone-surrogates", "unicode", "empty-or-whitespace", "long", "huge-jwt-header", "std-base64-jwt"};
            int dice = r.nextInt(20);
            last = dice < shapes.length ? shapes[dice] : "jwt-other-secret";
            switch (dice) {
                case 0:
                    return jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject, Instant.now().plusSeconds(600)));
                case 1:
                    return jwt(TestTokens.token(secrets.get(ns), subject, Instant.now().minusSeconds(60)));
                case 2: {
                    String[] parts = validToken(ns, subject).split("\\.");
                    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                            ("{\"sub\":\"admin-" + nonce() + "\"}").getBytes(StandardCharsets.UTF_8));
                    return jwt(parts[0] + "." + payload + "." + parts[2]);
                }
                case 3: {
                    String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                            "{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
                    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                            ("{\"sub\":\"" + subject + "\"}").getBytes(StandardCharsets.UTF_8));
                    return none + "." + payload + ".";
                }
                case 4: {
                    if (!foreignAllowed) {
                        return jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject, Instant.now().plusSeconds(60)));
                    }
                    String other;
                    do {
                        other = TestServer.NAMESPACES.get(r.nextInt(4));
                    } while (other.equals(ns));
                    foreign.add(other);
                    return jwt(validToken(other, "foreign-" + subject)); // valid, but for another namespace
                }
                case 5: {
                    String token = validToken(ns, subject);
                    int at = token.lastIndexOf('.') + 3;
                    char c = token.charAt(at);
                    jwt(token);
                    return jwt(token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1));
                }
                case 6:
                    return new String[] {"a.b.c", "..", ".", "x", "null", "undefined", "0", "true", "[object Object]"}
                            [r.nextInt(9)];
                case 7:
                    return "Bearer " + jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject,
                            Instant.now().plusSeconds(60)));
                case 8:
                    return new String[] {"Bearer", "Bearer ", "bearer  x", "Bearer a b"}[r.nextInt(4)];
                case 9:
                    return jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject, Instant.now().plusSeconds(60)))
                            + new String[] {" ", "\u0000", "\n", "\t"}[r.nextInt(4)];
                case 10:
                    return "\u0000\u0001\u001f" + nonce() + "\u007f\u0008";
                case 11:
                    return new String[] {"\ud800", "\udfff\ud800", "\udc00"}[r.nextInt(3)] + nonce() + "\ud83d";
                case 12:
                    return "\u00e9" + nonce() + "\ud83d\ude00\u202e\u0301";
                case 13:
                    return new String[] {"", " ", "\t\n\r", "\u00a0", "\u2028"}[r.nextInt(5)];
                case 14: {
                    int length = new int[] {9_000, 60_000, 1 << 20}[r.nextInt(3)];
                    last = "long-" + length;
                    return nonce() + "A".repeat(length);
                }
                case 15: {
                    String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                            ("{\"alg\":\"HS256\",\"pad\":\"" + "p".repeat(r.nextInt(20_000)) + "\"}")
                                    .getBytes(StandardCharsets.UTF_8));
                    return header + "." + nonce() + ".sig";
                }
                case 16:
                    return jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject, Instant.now().plusSeconds(60)))
                            .replace('-', '+').replace('_', '/') + "==";
                default:
                    return jwt(TestTokens.token(TestTokens.OTHER_SECRET, subject, Instant.now().plusSeconds(600)));
            }
        }

        /** A bad token as JSON text: strings of every kind, and every other JSON type. */
        String json(String ns) {
            int dice = r.nextInt(30);
            if (dice < 14) {
                String json = jsonString(badStringAnyChars(ns));
                last = "string:" + last;
                return json;
            }
            String[] shapes = {"null", "number", "boolean", "array", "object", "nested", "buffer", "buffer",
                "buffer-odd-data", "placeholder-object", "raw-control-chars(invalid JSON)",
                "bad-escapes(invalid JSON)", "escaped-lone-surrogates", "escaped-control-chars"};
            String shape = dice - 14 < shapes.length ? shapes[dice - 14] : "padded-string";
            String json = jsonValue(ns, dice);
            last = shape.equals("buffer") || shape.equals("padded-string") ? shape + ":" + last : shape;
            return json;
        }

        private String jsonValue(String ns, int dice) {
            switch (dice) {
                case 14:
                    return "null";
                case 15:
                    return new String[] {"0", "-1", "1.5e308", "1e999", "123456789012345678901234567890", "-0.0"}
                            [r.nextInt(6)];
                case 16:
                    return r.nextBoolean() ? "true" : "false";
                case 17:
                    return new String[] {"[]", "[[[]]]", "[" + jsonString(badStringAnyChars(ns)) + "]"}[r.nextInt(3)];
                case 18:
                    return new String[] {"{}", "{\"token\":" + jsonString(badStringAnyChars(ns)) + "}"}[r.nextInt(2)];
                case 19: {
                    int depth = new int[] {10, 200, 3000}[r.nextInt(3)];
                    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                }
                case 20:
                case 21: {
                    byte[] bytes = badStringAnyChars(ns).getBytes(StandardCharsets.UTF_8);
                    StringBuilder data = new StringBuilder();
                    for (int i = 0; i < Math.min(bytes.length, 4096); i++) {
                        data.append(i == 0 ? "" : ",").append(bytes[i] & 0xFF);
                    }
                    return "{\"type\":\"Buffer\",\"data\":[" + data + "]}";
                }
                case 22:
                    return new String[] {"{\"type\":\"Buffer\",\"data\":[]}", "{\"type\":\"Buffer\",\"data\":\"abc\"}",
                        "{\"type\":\"Buffer\",\"data\":[-1,256,1.5,null]}"}[r.nextInt(3)];
                case 23:
                    return "{\"_placeholder\":true,\"num\":0}";
                case 24:
                    return "\"" + "\u0001" + nonce() + "\u001f\"";  // raw control characters: not valid JSON
                case 25:
                    return "\"" + nonce() + "\\x41\\q\""; // bad escapes
                case 26:
                    return "\"\\ud800" + nonce() + "\\udfff\\ud800\""; // lone surrogates, escaped
                case 27:
                    return "\"\\u0000" + nonce() + "\\u001f\\u007f\""; // control characters, escaped
                default:
                    return jsonString("   " + badStringAnyChars(ns) + "   ");
            }
        }

        private String jsonString(String s) {
            boolean asciiOnly = r.nextBoolean();
            StringBuilder j = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    j.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !pairAt(s, i) || asciiOnly && c > 0x7E) {
                    j.append(String.format("\\u%04x", (int) c));
                } else {
                    j.append(c);
                }
            }
            return j.append('"').toString();
        }

        private boolean pairAt(String s, int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            }
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }
}
