// OpenSSL 3.0 decodes the public key of every certificate it parses (d2i_X509, in
// libssl's handling of the server's Certificate message) with a fresh decoder chain:
// OSSL_DECODER_CTX_new_for_pkey walks every decoder of every provider, matching names
// under read locks. For one EC P-256 key that was about a quarter of the
// uv-nonblocking client's CPU per request (perf, N = 2,000), and libssl has no way
// around it: the decode happens inside d2i_X509.
//
// libcrypto takes its older path (the EC method's own pub_decode: parse the point, no
// decoder chain) when an ENGINE claims EC public-key methods. The engine installed here
// claims them with OpenSSL's built-in EC method, copied unchanged: the same code checks
// every signature (the server's CertificateVerify, the CA's over the certificate); only
// the decode stops walking the decoders. Nothing is skipped: verification, the host
// check and the handshake's signature are as before.
//
// The legacy decode still built the curve's group from its parameters for every key
// (EC_GROUP_new_by_curve_name, 12.8 us for P-256); the engine's ASN.1 method keeps one
// group per named curve and copies it (EC_GROUP_dup, 1.1 us). OpenSSL's API replaces the
// public-key functions only all six at once, so the engine carries its own encode,
// compare, print, size and bits, written as OpenSSL's ec_ameth.c has them (and tested
// against what OpenSSL prints and encodes); everything else is OpenSSL's method, copied.
//
// The server installs it too, for the other side of the same cost: with an ENGINE claiming
// EC, every signing context for its (provider-loaded) key is a legacy one, so the
// CertificateVerify signature and libssl's per-candidate "can this key sign with that
// digest?" checks create no provider context and walk no algorithm-name table. The
// signature is the same ECDSA code either way.
//
// It claims X25519 too, the key share group of every lab handshake: with OpenSSL's
// built-in X25519 method (plus the "parameter generation" libssl asks of it for the peer's
// share: the key type alone), each share is a legacy key, not a provider key whose type
// OpenSSL looks up by walking its whole algorithm-name table (EVP_PKEY_set_type_by_keymgmt,
// twice per handshake). The curve arithmetic is the same code.
//
// Its EC method checks an ECDSA signature as OpenSSL's does, but, once a client expects
// 1,000 or more, a P-256 key checked 64 times already (its server's, whose CertificateVerify
// it checks on every connection) with a table of that key's multiples:
// slowfast/ecdsa_key_tables.h, 57.8 -> 33.1 us per signature.
//
// Measured (cachegrind, instructions per request or connection):
// - client, 600 x /delay/0.5, one loop: 4,840 -> 3,569 thousand; with the kept groups,
//   (I refs at 500 requests - at 100) / 400: 3,418 -> 3,299 thousand;
// - slowfast-server, 800 full handshakes from h2load (one worker, mimalloc):
//   2,353 -> 2,332 thousand; with X25519 (800 handshakes, TLS 1.3 KDF provider in both):
//   2,217 -> 2,122 thousand, server CPU per handshake 0.195 -> 0.188 ms (5 alternating
//   h2load runs of 5,000; nginx 0.236).
// ENGINEs are deprecated in OpenSSL 3 and gone in 4: without them (OPENSSL_NO_ENGINE,
// another major version) this does nothing.
#pragma once

namespace slowfast {

// Once per process, thread-safe; affects every EC or X25519 key parsed or generated from then on in
// this process (keys loaded earlier, and private keys read from files, keep their provider
// form, but sign and verify through the engine's method too). One sharp edge: the legacy
// path knows curves by OpenSSL's names only, so generate keys with "prime256v1", not
// "P-256" (libssl's key shares already do). Returns whether the engine is installed
// (false: this OpenSSL has no ENGINEs, or registering failed).
bool use_ec_key_engine();

}  // namespace slowfast
