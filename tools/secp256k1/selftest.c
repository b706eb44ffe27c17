/*
 * Self-test of a freshly built libsecp256k1 before build.sh installs it: the library must derive the generator
 * from the private key 1, recover the signer of its own recoverable signatures, and reject a signature with r = 0.
 * Usage: selftest <path to the .so>; exit code 0 when every check passes.
 * Loaded with dlopen so one binary checks each variant (baseline and BMI2) without relinking.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *(*context_create_fn)(unsigned int flags);
typedef int (*pubkey_create_fn)(const void *ctx, unsigned char *pubkey64, const unsigned char *seckey32);
typedef int (*pubkey_serialize_fn)(const void *ctx, unsigned char *out, size_t *outlen, const unsigned char *pubkey64, unsigned int flags);
typedef int (*sign_recoverable_fn)(const void *ctx, unsigned char *sig65, const unsigned char *msg32, const unsigned char *seckey32, const void *noncefp, const void *ndata);
typedef int (*serialize_compact_fn)(const void *ctx, unsigned char *out64, int *recid, const unsigned char *sig65);
typedef int (*parse_compact_fn)(const void *ctx, unsigned char *sig65, const unsigned char *in64, int recid);
typedef int (*recover_fn)(const void *ctx, unsigned char *pubkey64, const unsigned char *sig65, const unsigned char *msg32);

#define CONTEXT_NONE 1u
#define EC_UNCOMPRESSED 2u

/* The generator G of secp256k1, uncompressed (SEC 2 v2, section 2.4.1). */
static const unsigned char generator[65] = {
    0x04,
    0x79, 0xBE, 0x66, 0x7E, 0xF9, 0xDC, 0xBB, 0xAC, 0x55, 0xA0, 0x62, 0x95, 0xCE, 0x87, 0x0B, 0x07,
    0x02, 0x9B, 0xFC, 0xDB, 0x2D, 0xCE, 0x28, 0xD9, 0x59, 0xF2, 0x81, 0x5B, 0x16, 0xF8, 0x17, 0x98,
    0x48, 0x3A, 0xDA, 0x77, 0x26, 0xA3, 0xC4, 0x65, 0x5D, 0xA4, 0xFB, 0xFC, 0x0E, 0x11, 0x08, 0xA8,
    0xFD, 0x17, 0xB4, 0x48, 0xA6, 0x85, 0x54, 0x19, 0x9C, 0x47, 0xD0, 0x8F, 0xFB, 0x10, 0xD4, 0xB8,
};

static int fail(const char *what) {
    fprintf(stderr, "selftest: %s\n", what);
    return 1;
}

int main(int argc, char **argv) {
    void *lib;
    void *ctx;
    context_create_fn context_create;
    pubkey_create_fn pubkey_create;
    pubkey_serialize_fn pubkey_serialize;
    sign_recoverable_fn sign_recoverable;
    serialize_compact_fn serialize_compact;
    parse_compact_fn parse_compact;
    recover_fn recover;
    unsigned char key[32], msg[32], pub[64], rec[64], sig[65], compact[64], a[65], b[65];
    size_t len;
    int recid, i, j;

    if (argc != 2) return fail("usage: selftest LIBRARY.so");
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) return fail(dlerror());
    context_create = (context_create_fn)dlsym(lib, "secp256k1_context_create");
    pubkey_create = (pubkey_create_fn)dlsym(lib, "secp256k1_ec_pubkey_create");
    pubkey_serialize = (pubkey_serialize_fn)dlsym(lib, "secp256k1_ec_pubkey_serialize");
    sign_recoverable = (sign_recoverable_fn)dlsym(lib, "secp256k1_ecdsa_sign_recoverable");
    serialize_compact = (serialize_compact_fn)dlsym(lib, "secp256k1_ecdsa_recoverable_signature_serialize_compact");
    parse_compact = (parse_compact_fn)dlsym(lib, "secp256k1_ecdsa_recoverable_signature_parse_compact");
    recover = (recover_fn)dlsym(lib, "secp256k1_ecdsa_recover");
    if (!context_create || !pubkey_create || !pubkey_serialize || !sign_recoverable || !serialize_compact || !parse_compact || !recover)
        return fail("a required symbol is missing");
    ctx = context_create(CONTEXT_NONE);
    if (ctx == NULL) return fail("context_create failed");

    memset(key, 0, 32);
    key[31] = 1;
    len = 65;
    if (!pubkey_create(ctx, pub, key) || !pubkey_serialize(ctx, a, &len, pub, EC_UNCOMPRESSED) || len != 65 || memcmp(a, generator, 65) != 0)
        return fail("the public key of 1 is not G");

    for (i = 0; i < 256; i++) {
        /* Varied keys and messages from a simple LCG; every key is below the group order (top byte < 0x80). */
        unsigned int x = 2654435761u * (unsigned int)(i + 1);
        for (j = 0; j < 32; j++) {
            x = x * 1103515245u + 12345u;
            key[j] = (unsigned char)(x >> 16);
            x = x * 1103515245u + 12345u;
            msg[j] = (unsigned char)(x >> 16);
        }
        key[0] &= 0x7F;
        key[31] |= 1;
        if (!pubkey_create(ctx, pub, key)) return fail("pubkey_create failed");
        if (!sign_recoverable(ctx, sig, msg, key, NULL, NULL)) return fail("sign failed");
        if (!serialize_compact(ctx, compact, &recid, sig)) return fail("serialize_compact failed");
        if (!parse_compact(ctx, sig, compact, recid)) return fail("parse_compact failed");
        if (!recover(ctx, rec, sig, msg)) return fail("recover failed");
        len = 65;
        pubkey_serialize(ctx, a, &len, pub, EC_UNCOMPRESSED);
        len = 65;
        pubkey_serialize(ctx, b, &len, rec, EC_UNCOMPRESSED);
        if (memcmp(a, b, 65) != 0) return fail("recovered a different public key");
        /* The other recovery id gives another key (or none): the id is part of what is checked. */
        if (parse_compact(ctx, sig, compact, recid ^ 1) && recover(ctx, rec, sig, msg)) {
            len = 65;
            pubkey_serialize(ctx, b, &len, rec, EC_UNCOMPRESSED);
            if (memcmp(a, b, 65) == 0) return fail("the wrong recovery id recovered the signer");
        }
    }

    /* r = 0 is never a valid signature: recovery must fail (SEC 1 v2, 4.1.6, step 1). */
    memset(compact, 0, 32);
    if (parse_compact(ctx, sig, compact, 0) && recover(ctx, rec, sig, msg)) return fail("recovered a key from r = 0");

    printf("selftest: ok %s\n", argv[1]);
    return 0;
}
