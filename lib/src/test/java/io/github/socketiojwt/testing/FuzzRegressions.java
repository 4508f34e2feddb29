package io.github.socketiojwt.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The smallest inputs of each class of failure that {@code ProtocolFuzzTest} found, written out frame by frame so
 * that they keep meaning the same thing whatever becomes of the generator. Each is named for what it sends; the
 * fuzz test plays them all before its random cases.
 */
public final class FuzzRegressions {

    private FuzzRegressions() {
    }

    /** @return every regression input */
    public static List<FuzzCase> all() {
        List<FuzzCase> cases = new ArrayList<>();
        String bad = TestTokens.token(TestTokens.OTHER_SECRET, "regression-bad", Instant.now().plusSeconds(600));
        String sig = bad.substring(bad.lastIndexOf('.') + 1);

        // ---- (b) exceptions
        cases.add(c("message-packet-without-a-type", "H", 4, FuzzCase.Wire.WEBSOCKET).packets("4").build());
        cases.add(c("message-packet-without-a-type-on-polling", "A", 3, FuzzCase.Wire.POLLING).packets("4").build());
        // an upgrade packet POSTed while the session has no pending GET
        cases.add(c("upgrade-packet-on-polling-without-a-poll", "A", 3, FuzzCase.Wire.RAW_POST_ONLY).packets("5")
                .build());
        cases.add(c("upgrade-packet-on-polling-without-a-poll-v4", "H", 4, FuzzCase.Wire.RAW_POST_ONLY).packets("5")
                .build());

        // ---- query strings that netty's QueryStringDecoder refuses
        for (String garbage : List.of("%zz", "%u0041", "%", "a%2")) {
            cases.add(c("percent-garbage-query-polling " + garbage, "H", 4, FuzzCase.Wire.RAW_POLLING)
                    .rawQuery("token=" + garbage + "nzregressionq1").marker("nzregressionq1")
                    .packets("40").presentsHere().answerOn("/").build());
        }
        cases.add(c("percent-garbage-query-websocket-v3", "H", 3, FuzzCase.Wire.RAW_WEBSOCKET)
                .rawQuery("token=%zz" + "nzregressionq2").marker("nzregressionq2")
                .presentsAtHandshake().answerOn("/").build());

        // ---- CONNECT auth payloads that are never answered
        cases.add(hs("auth-token-with-escaped-control-chars", "{\"token\":\"\\u0000\\u0001" + bad + "\"}", bad, sig));
        cases.add(hs("auth-token-with-an-escaped-lone-surrogate", "{\"token\":\"\\ud800" + bad + "\"}", bad, sig));
        cases.add(hs("auth-token-of-only-escaped-control-chars", "{\"token\":\"\\u0000\\u001f\\u007f\"}", bad, sig));
        cases.add(hs("auth-token-of-only-an-escaped-lone-surrogate", "{\"token\":\"\\udc00\"}", bad, sig));
        cases.add(hs("auth-token-with-raw-control-chars", "{\"token\":\"\u0001" + bad + "\"}", bad, sig));
        cases.add(hs("auth-token-with-a-bad-escape", "{\"token\":\"\\q" + bad + "\"}", bad, sig));
        cases.add(hs("auth-token-as-a-buffer", "{\"token\":{\"type\":\"Buffer\",\"data\":" + bytes(bad) + "}}", bad, sig));
        cases.add(hs("auth-token-as-an-empty-buffer", "{\"token\":{\"type\":\"Buffer\",\"data\":[]}}", bad, sig));
        cases.add(hs("auth-token-nested-3000-deep", "{\"token\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)
                + "}", bad, sig));
        cases.add(hs("auth-token-nested-10-deep", "{\"token\":" + "{\"a\":".repeat(10) + "1" + "}".repeat(10) + "}",
                bad, sig));
        cases.add(hs("auth-token-a-number", "{\"token\":12}", bad, sig));
        cases.add(hs("auth-token-an-empty-array", "{\"token\":[]}", bad, sig));
        cases.add(hs("auth-token-nested-arrays", "{\"token\":[[[]]]}", bad, sig));
        cases.add(hs("auth-token-an-array-of-a-string", "{\"token\":[\"" + bad + "\"]}", bad, sig));
        cases.add(hs("auth-token-an-empty-object", "{\"token\":{}}", bad, sig));
        cases.add(hs("auth-payload-with-an-array-beside-the-token", "{\"token\":\"" + bad + "\",\"x\":[1]}", bad,
                sig));
        cases.add(hs("auth-payload-a-string", "\"" + bad + "\"", bad, sig));
        cases.add(hs("auth-payload-an-array", "[{\"token\":\"" + bad + "\"}]", bad, sig));
        cases.add(hs("auth-payload-null", "null", bad, sig));
        cases.add(hs("auth-payload-a-number", "1", bad, sig));
        cases.add(c("auth-payload-a-string-on-an-authenticate-namespace", "A", 4, FuzzCase.Wire.WEBSOCKET)
                .packets("40/admin,\"x\"").packets("42/admin,[\"authenticate\",{\"token\":\"" + bad + "\"}]")
                .presentsHere().answerOn("/admin").marker(bad).marker(sig).build());

        // ---- authenticate events that are never answered
        cases.add(auth("authenticate-token-with-escaped-control-chars", "\"\\u0000\\u0001" + bad + "\"", bad, sig));
        cases.add(auth("authenticate-token-with-an-escaped-lone-surrogate", "\"\\ud800" + bad + "\"", bad, sig));
        cases.add(c("authenticate-without-an-argument", "A", 4, FuzzCase.Wire.WEBSOCKET).packets("40/admin,")
                .await("40/admin,").packets("42/admin,[\"authenticate\"]").presentsHere().answerOn("/admin").build());
        cases.add(c("authenticate-without-an-argument-v3-polling", "H", 3, FuzzCase.Wire.POLLING)
                .packets("40/admin").await("40/admin").packets("42/admin,[\"authenticate\"]").presentsHere()
                .answerOn("/admin").build());
        cases.add(c("authenticate-token-of-1mb-websocket", "H", 4, FuzzCase.Wire.WEBSOCKET).packets("40/chat,")
                .await("40/chat,").packets("42/chat,[\"authenticate\",{\"token\":\"nzregressiont1"
                        + "A".repeat(1 << 20) + "\"}]").presentsHere().answerOn("/chat").marker("nzregressiont1")
                .build());
        cases.add(c("authenticate-token-of-1mb-polling", "H", 4, FuzzCase.Wire.POLLING).packets("40/chat,")
                .await("40/chat,").packets("42/chat,[\"authenticate\",{\"token\":\"nzregressiont2"
                        + "A".repeat(1 << 20) + "\"}]").presentsHere().answerOn("/chat").marker("nzregressiont2")
                .build());
        cases.add(auth("authenticate-token-of-only-escaped-control-chars", "\"\\u0000\\u001f\"", bad, sig));
        cases.add(auth("authenticate-token-of-only-an-escaped-lone-surrogate", "\"\\ud800\"", bad, sig));
        cases.add(auth("authenticate-token-with-a-bad-escape", "\"\\q" + bad + "\"", bad, sig));
        cases.add(auth("authenticate-token-as-a-buffer", "{\"type\":\"Buffer\",\"data\":" + bytes(bad) + "}", bad, sig));
        String binary = "451-/admin,[\"authenticate\",{\"token\":{\"_placeholder\":true,\"num\":0}}]";
        byte[] data = bad.getBytes(StandardCharsets.UTF_8);
        cases.add(c("binary-authenticate-websocket", "H", 4, FuzzCase.Wire.WEBSOCKET).packets("40/admin,")
                .await("40/admin,").packets(binary).bytes(data).presentsHere().answerOn("/admin").marker(bad)
                .marker(sig).build());
        cases.add(c("binary-authenticate-websocket-v3", "H", 3, FuzzCase.Wire.WEBSOCKET).packets("40/admin")
                .await("40/admin").packets(binary).bytes(withType4(data)).presentsHere().answerOn("/admin")
                .marker(bad).marker(sig).build());
        cases.add(c("binary-authenticate-polling-v4", "H", 4, FuzzCase.Wire.POLLING).packets("40/admin,")
                .await("40/admin,").packets(binary, "b" + Base64.getEncoder().encodeToString(data)).presentsHere()
                .answerOn("/admin").marker(bad).marker(sig).build());
        cases.add(c("binary-authenticate-polling-v3", "H", 3, FuzzCase.Wire.POLLING).packets("40/admin")
                .await("40/admin").bytes(FuzzCaseGenerator.eio3BinaryPayload(binary, data)).presentsHere()
                .answerOn("/admin").marker(bad).marker(sig).build());

        // ---- a packet that cannot be decoded or routed drops the rest of its long-polling payload
        for (String poison : List.of("46", "42/nope,[\"echo\"]", "42")) {
            cases.add(c("token-after-" + poison + "-in-one-polling-payload", "H", 4, FuzzCase.Wire.POLLING)
                    .packets(poison, "40/admin_hs,{\"token\":\"" + bad + "\"}").presentsHere().answerOn("/admin_hs")
                    .marker(bad).marker(sig).build());
        }

        // ---- Engine.IO v3
        cases.add(c("v3-namespace-query-without-a-comma", "A", 3, FuzzCase.Wire.WEBSOCKET)
                .packets("40/chat?token=" + bad).presentsHere().answerOn("/chat").marker(bad).marker(sig).build());

        // ---- headers
        // over netty's 8192-byte limit for a request head
        cases.add(c("authorization-header-8300-chars", "H", 4, FuzzCase.Wire.POLLING)
                .header("Authorization", "Bearer nzregressionh1" + "A".repeat(8300)).marker("nzregressionh1")
                .packets("40").presentsHere().answerOn("/").build());
        cases.add(c("authorization-header-9000-chars-v3", "A", 3, FuzzCase.Wire.POLLING)
                .header("Authorization", "Bearer nzregressionh2" + "A".repeat(9000)).marker("nzregressionh2")
                .packets("40/chat").presentsHere().answerOn("/chat").build());
        cases.add(c("authorization-header-8300-chars-websocket", "H", 4, FuzzCase.Wire.WEBSOCKET)
                .header("Authorization", "Bearer nzregressionh3" + "A".repeat(8300)).marker("nzregressionh3")
                .packets("40").presentsHere().answerOn("/").build());
        cases.add(c("authorization-header-1mb-upgrade", "H", 3, FuzzCase.Wire.UPGRADE)
                .header("Authorization", "Bearer nzregressionh4" + "A".repeat(1 << 20)).marker("nzregressionh4")
                .presentsAtHandshake().answerOn("/").build());

        // ---- other paths: under the Socket.IO path, and (layout A allows custom requests) beside it
        for (String path : List.of("/socket.io/x/", "/socket.io/../socket.io/")) {
            cases.add(c("path " + path, "H", 3, FuzzCase.Wire.RAW_POLLING).path(path)
                    .rawQuery("token=" + bad).presentsAtHandshake().answerOn("/").marker(bad).marker(sig).build());
        }
        cases.add(c("path /socket.iox/ with transport=polling and custom requests allowed", "A", 3,
                FuzzCase.Wire.RAW_POLLING).path("/socket.iox/").rawQuery("token=" + bad).presentsAtHandshake()
                .answerOn("/admin_hs").marker(bad).marker(sig).build());
        // the whole request is GET /socket.iox/?token=...: no EIO, no transport
        cases.add(c("path /socket.iox/ with custom requests allowed", "A", 3, FuzzCase.Wire.RAW_POLLING)
                .path("/socket.iox/?").rawQuery("token=" + bad).presentsAtHandshake().answerOn("/admin_hs")
                .marker(bad).marker(sig).build());
        // found by the long run (seed 20261203): netty-socketio's websocket transport takes any path
        for (String path : List.of("//socket.io/", "/other")) {
            for (int eio : new int[] {3, 4}) {
                cases.add(c("websocket path " + path + " EIO" + eio + " with custom requests allowed", "A", eio,
                        FuzzCase.Wire.RAW_WEBSOCKET).path(path).rawQuery("token=" + bad).presentsAtHandshake()
                        .answerOn("/admin_hs").marker(bad).marker(sig).build());
            }
        }
        return cases;
    }

    private static FuzzCase.Builder c(String name, String layout, int eio, FuzzCase.Wire wire) {
        return FuzzCase.builder("regression/" + name, "regression").layout(layout).eio(eio).wire(wire);
    }

    private static FuzzCase hs(String name, String payload, String bad, String sig) {
        return c(name, "H", 4, FuzzCase.Wire.WEBSOCKET).packets("40/admin_hs," + payload).presentsHere()
                .answerOn("/admin_hs").marker(bad).marker(sig).build();
    }

    private static FuzzCase auth(String name, String token, String bad, String sig) {
        return c(name, "A", 4, FuzzCase.Wire.WEBSOCKET).packets("40/admin,").await("40/admin,")
                .packets("42/admin,[\"authenticate\",{\"token\":" + token + "}]").presentsHere().answerOn("/admin")
                .marker(bad).marker(sig).build();
    }

    private static String bytes(String s) {
        StringBuilder data = new StringBuilder("[");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            data.append(data.length() == 1 ? "" : ",").append(b & 0xFF);
        }
        return data.append(']').toString();
    }

    private static byte[] withType4(byte[] data) {
        byte[] framed = new byte[data.length + 1];
        framed[0] = 4;
        System.arraycopy(data, 0, framed, 1, data.length);
        return framed;
    }
}
