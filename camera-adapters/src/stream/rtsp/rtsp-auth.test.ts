import { describe, expect, it } from "vitest";
import {
  authorizationHeader,
  chooseChallenge,
  type DigestChallenge,
  digestResponse,
  parseAuthChallenges,
} from "./rtsp-auth.js";

describe("parseAuthChallenges", () => {
  // Hikvision 401 with both schemes, from google/ExoPlayer issue #9800.
  const hikvision = [
    'Digest realm="IP Camera(C1214)", nonce="0191a41d87c28cd52b3e9c8adc99291c", stale="FALSE"',
    'Basic realm="IP Camera(C1214)"',
  ];

  it("reads both challenges of a Hikvision 401 and prefers Digest", () => {
    const challenges = parseAuthChallenges(hikvision);
    expect(challenges).toHaveLength(2);
    expect(chooseChallenge(challenges)).toEqual({
      scheme: "digest",
      realm: "IP Camera(C1214)",
      nonce: "0191a41d87c28cd52b3e9c8adc99291c",
      opaque: undefined,
      qop: undefined,
      algorithm: "MD5",
      stale: false,
    });
  });

  it("accepts quoted algorithm and qop lists, and skips unsupported algorithms", () => {
    const [digest] = parseAuthChallenges([
      'digest realm="x", nonce="n", qop="auth,auth-int", algorithm="MD5"',
    ]);
    expect(digest).toMatchObject({ scheme: "digest", qop: "auth", algorithm: "MD5" });
    expect(parseAuthChallenges(['Digest realm="x", nonce="n", algorithm=SHA-512-256'])).toEqual([]);
    expect(parseAuthChallenges(["Negotiate abc"])).toEqual([]);
  });
});

describe("digestResponse", () => {
  it("matches the RFC 2617 section 3.5 example", () => {
    const challenge: DigestChallenge = {
      scheme: "digest",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      qop: "auth",
      algorithm: "MD5",
      stale: false,
    };
    const response = digestResponse({
      challenge,
      credentials: { username: "Mufasa", password: "Circle Of Life" },
      method: "GET",
      uri: "/dir/index.html",
      nonceCount: 1,
      cnonce: "0a4f113b",
    });
    expect(response).toBe("6629fae49393a05397450978507c4ef1");
  });

  it("builds a Digest header with qop fields and a Basic header", () => {
    const [digest] = parseAuthChallenges(['Digest realm="r", nonce="n1", qop="auth", opaque="o"']);
    const header = authorizationHeader(
      digest!,
      { username: "admin", password: "pw" },
      "DESCRIBE",
      "rtsp://h/live",
      1,
      "c0ffee",
    );
    expect(header).toMatch(
      /^Digest username="admin", realm="r", nonce="n1", uri="rtsp:\/\/h\/live", response="[0-9a-f]{32}"/,
    );
    expect(header).toContain('opaque="o"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="c0ffee"');
    const basic = authorizationHeader(
      { scheme: "basic", realm: "r" },
      { username: "admin", password: "12345" },
      "DESCRIBE",
      "x",
    );
    expect(basic).toBe(`Basic ${Buffer.from("admin:12345").toString("base64")}`);
  });
});
