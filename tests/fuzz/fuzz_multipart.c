/* libFuzzer harness for the multipart/form-data parser. The first input line (up to LF, at most 200 bytes)
 * is the Content-Type; the rest is the body, copied into an exact-size buffer so that ASan sees any read past
 * its end. Checks what the parser promises: a refusal carries a detail and no parts; an acceptance holds at
 * most 32 parts, file data inside the body, NUL-free text values.
 *
 * Build and run (clang only; gcc has no libFuzzer):
 *   CC=clang meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz tests/fuzz/fuzz_multipart
 *   build-fuzz/tests/fuzz/fuzz_multipart -max_total_time=60 -max_len=4096
 * or without meson:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc $(pkg-config --cflags jansson) \
 *     tests/fuzz/fuzz_multipart.c src/http/multipart.c src/core/arena.c src/core/mem.c src/core/log.c \
 *     src/core/err.c -o fuzz_multipart */
#include "http/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 200 ? size : 200);
    size_t ctn = nl ? (size_t)(nl - data) : 0;
    char ct[201];
    memcpy(ct, data, ctn);
    ct[ctn] = 0;
    size_t off = nl ? ctn + 1 : 0, len = size - off;
    char *body = malloc(len ? len : 1);
    if (!body) return 0;
    memcpy(body, data + off, len);

    struct arena a;
    arena_init(&a, 0);
    struct multipart m;
    enum err e = multipart_parse(body, len, ct, &a, &m);
    if (e != OK) {
        if (e != ERR_BAD_REQUEST || !m.detail || m.nfields || m.nfiles) abort();
    } else {
        if (m.nfields + m.nfiles < 1 || m.nfields + m.nfiles > MULTIPART_MAX_PARTS) abort();
        for (int i = 0; i < m.nfiles; i++) {
            const struct req_file *f = &m.files[i];
            if (f->data < body || f->data + f->len > body + len || !f->name || !*f->name || !f->filename ||
                !f->content_type)
                abort();
        }
        for (int i = 0; i < m.nfields; i++)
            if (!m.fields[i].key || !m.fields[i].value) abort();
    }
    arena_free(&a);
    free(body);
    return 0;
}
