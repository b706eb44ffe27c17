/*
 * Interleaved A/B benchmark of libsecp256k1 builds for Ethereum sender recovery (parse compact signature + recover +
 * serialize uncompressed, the native part of Ecdsa.TryRecoverAddress), timed in process CPU time so other load on a
 * shared machine counts less. Each round runs every library once, in alternating order; the figures are medians.
 *
 *   cc -O2 tools/secp256k1/bench.c -o /tmp/secp-bench -ldl
 *   /tmp/secp-bench ROUNDS CALLS_PER_ROUND BASELINE.so OTHER.so...
 *
 * Every library first recovers the same 256 signatures (made by the first library) and must agree byte for byte.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void *(*context_create_fn)(unsigned int);
typedef int (*sign_recoverable_fn)(const void *, unsigned char *, const unsigned char *, const unsigned char *, const void *, const void *);
typedef int (*serialize_compact_fn)(const void *, unsigned char *, int *, const unsigned char *);
typedef int (*parse_compact_fn)(const void *, unsigned char *, const unsigned char *, int);
typedef int (*recover_fn)(const void *, unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*pubkey_serialize_fn)(const void *, unsigned char *, size_t *, const unsigned char *, unsigned int);

#define MAX_LIBS 16
#define MAX_ROUNDS 1000
#define SIGS 256

typedef struct {
    const char *path;
    void *ctx;
    parse_compact_fn parse;
    recover_fn recover;
    pubkey_serialize_fn serialize;
    double samples[MAX_ROUNDS];
    int n;
} library;

static unsigned char msgs[SIGS][32], sigs[SIGS][64], pubs[SIGS][65];
static int recids[SIGS];

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int recover_one(library *l, int k, unsigned char *out65) {
    unsigned char sig[65], pub[64];
    size_t len = 65;
    return l->parse(l->ctx, sig, sigs[k], recids[k]) && l->recover(l->ctx, pub, sig, msgs[k]) && l->serialize(l->ctx, out65, &len, pub, 2);
}

int main(int argc, char **argv) {
    library libs[MAX_LIBS];
    int rounds, calls, count, i, k, r;
    double base = 0;
    if (argc < 4) {
        fprintf(stderr, "usage: %s ROUNDS CALLS_PER_ROUND BASELINE.so [OTHER.so...]\n", argv[0]);
        return 2;
    }
    rounds = atoi(argv[1]);
    calls = atoi(argv[2]);
    count = argc - 3;
    if (rounds < 1 || rounds > MAX_ROUNDS || calls < 1 || count > MAX_LIBS) return 2;
    for (i = 0; i < count; i++) {
        void *h = dlopen(argv[3 + i], RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) { fprintf(stderr, "%s\n", dlerror()); return 1; }
        libs[i].path = argv[3 + i];
        libs[i].ctx = ((context_create_fn)dlsym(h, "secp256k1_context_create"))(1);
        libs[i].parse = (parse_compact_fn)dlsym(h, "secp256k1_ecdsa_recoverable_signature_parse_compact");
        libs[i].recover = (recover_fn)dlsym(h, "secp256k1_ecdsa_recover");
        libs[i].serialize = (pubkey_serialize_fn)dlsym(h, "secp256k1_ec_pubkey_serialize");
        libs[i].n = 0;
        if (i == 0) {
            sign_recoverable_fn sign = (sign_recoverable_fn)dlsym(h, "secp256k1_ecdsa_sign_recoverable");
            serialize_compact_fn compact = (serialize_compact_fn)dlsym(h, "secp256k1_ecdsa_recoverable_signature_serialize_compact");
            srand(42);
            for (k = 0; k < SIGS; k++) {
                unsigned char key[32], sig[65];
                int j;
                for (j = 0; j < 32; j++) { key[j] = (unsigned char)rand(); msgs[k][j] = (unsigned char)rand(); }
                key[0] &= 0x7f;
                key[31] |= 1;
                if (!sign(libs[0].ctx, sig, msgs[k], key, NULL, NULL) || !compact(libs[0].ctx, sigs[k], &recids[k], sig)) return 1;
            }
        }
    }
    for (i = 0; i < count; i++) {
        for (k = 0; k < SIGS; k++) {
            unsigned char out[65];
            if (!recover_one(&libs[i], k, out)) { printf("recovery failed: %s\n", libs[i].path); return 1; }
            if (i == 0) memcpy(pubs[k], out, 65);
            else if (memcmp(out, pubs[k], 65) != 0) { printf("different key: %s\n", libs[i].path); return 1; }
        }
    }
    for (r = 0; r < rounds; r++) {
        int step;
        for (step = 0; step < count; step++) {
            library *l = &libs[(r & 1) ? count - 1 - step : step];
            unsigned char out[65];
            unsigned int sink = 0;
            int c;
            double t0 = cpu_seconds();
            for (c = 0; c < calls; c++) {
                recover_one(l, c & (SIGS - 1), out);
                sink += out[7];
            }
            l->samples[l->n++] = (cpu_seconds() - t0) / calls * 1e6;
            if (sink == 0xFFFFFFFFu) putchar(' ');
        }
    }
    for (i = 0; i < count; i++) {
        double median;
        qsort(libs[i].samples, (size_t)libs[i].n, sizeof(double), compare);
        median = libs[i].samples[libs[i].n / 2];
        if (i == 0) base = median;
        printf("%-70s median %6.2f us  best %6.2f us  ratio %.3f  %6.0f/s\n", libs[i].path, median, libs[i].samples[0], median / base, 1e6 / median);
    }
    return 0;
}
