import Foundation
import LotseCrypto
import Testing

/// libcrypto behind LotseCrypto, against published test vectors.
struct SHA256DigestTests {
    /// FIPS 180-2 appendix B ("abc", the two-block message) and the empty message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256Digest.hash(Data(message.utf8)).hexString == digest)
    }

    @Test func hexRoundTripsAndRefusesNonHex() {
        let bytes = Data([0x00, 0x0f, 0xa0, 0xff])
        #expect(bytes.hexString == "000fa0ff")
        #expect(Data(hexString: "000FA0ff") == bytes)
        #expect(Data(hexString: "abc") == nil)
        #expect(Data(hexString: "zz") == nil)
    }
}

struct AESGCMTests {
    struct Vector: Sendable, CustomStringConvertible {
        let name: String, key: String, nonce: String, plaintext: String, aad: String, ciphertext: String, tag: String
        var description: String { name }
    }

    /// The 256-bit test cases 13–16 of McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", the specification
    /// submitted to NIST (and repeated in NIST's GCM validation material).
    static let vectors = [
        Vector(name: "TC13", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12), plaintext: "", aad: "",
               ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(name: "TC14", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
               plaintext: String(repeating: "00", count: 16), aad: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
               tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(name: "TC15", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", nonce: "cafebabefacedbaddecaf888",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
               aad: "",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
               tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(name: "TC16", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", nonce: "cafebabefacedbaddecaf888",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
               aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
               tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    private func hex(_ s: String) -> Data { Data(hexString: s)! }

    @Test(arguments: vectors)
    func encryptsAndDecryptsTheVector(_ v: Vector) throws {
        let (c, t) = try AESGCM.encrypt(hex(v.plaintext), key: hex(v.key), nonce: hex(v.nonce), aad: hex(v.aad))
        #expect(c.hexString == v.ciphertext)
        #expect(t.hexString == v.tag)
        let p = try AESGCM.decrypt(hex(v.ciphertext), key: hex(v.key), nonce: hex(v.nonce), tag: hex(v.tag), aad: hex(v.aad))
        #expect(p.hexString == v.plaintext)
    }

    @Test(arguments: vectors)
    func refusesAnyAlteration(_ v: Vector) {
        var tag = hex(v.tag)
        tag[tag.startIndex] ^= 0x01
        #expect(throws: AESGCM.Failure.authenticationFailed) {
            try AESGCM.decrypt(hex(v.ciphertext), key: hex(v.key), nonce: hex(v.nonce), tag: tag, aad: hex(v.aad))
        }
        var key = hex(v.key)
        key[key.startIndex + 31] ^= 0x80
        #expect(throws: AESGCM.Failure.authenticationFailed) {
            try AESGCM.decrypt(hex(v.ciphertext), key: key, nonce: hex(v.nonce), tag: hex(v.tag), aad: hex(v.aad))
        }
        #expect(throws: AESGCM.Failure.authenticationFailed) {
            try AESGCM.decrypt(hex(v.ciphertext), key: hex(v.key), nonce: hex(v.nonce), tag: hex(v.tag), aad: Data("other".utf8))
        }
    }

    @Test func sealedBoxesUseFreshNoncesAndOpen() throws {
        let key = SecureRandom.bytes(32)
        let text = Data("Patient 54 J., Thoraxschmerz seit 30 min".utf8)
        let a = try AESGCM.seal(text, key: key, aad: Data("case-1".utf8))
        let b = try AESGCM.seal(text, key: key, aad: Data("case-1".utf8))
        #expect(a != b)
        #expect(a.count == text.count + AESGCM.nonceCount + AESGCM.tagCount)
        #expect(try AESGCM.open(a, key: key, aad: Data("case-1".utf8)) == text)
        #expect(throws: AESGCM.Failure.authenticationFailed) { try AESGCM.open(a, key: key, aad: Data("case-2".utf8)) }
        #expect(throws: AESGCM.Failure.tooShort) { try AESGCM.open(Data(count: 10), key: key) }
        #expect(throws: AESGCM.Failure.badKey) { try AESGCM.seal(text, key: Data(count: 16)) }
    }
}
