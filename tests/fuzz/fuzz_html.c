/* libFuzzer harness for the HTML writer (src/html/html.c). The input, as a NUL-terminated string and as n raw
 * bytes (NULs included), goes through html_text, html_textn, html_attr and html_url, and the harness checks
 * the escaping invariants every page relies on, aborting on a violation so that libFuzzer reports it:
 *   - html_text / html_textn output holds no raw < > " ' and no NUL, and every & starts one of the five
 *     entities the writer emits; unescaping it gives the input back (NUL as U+FFFD);
 *   - html_attr output is ` v="…"` with no raw " (nor < > ') between the quotes;
 *   - html_url output holds only A-Z a-z 0-9 - . _ ~ and %XX (upper-case hex): no quote, angle bracket,
 *     space or control byte; decoding it gives the input back.
 * Run with scripts/fuzz.sh (seeds in tests/fuzz/corpus/html, dictionary tests/fuzz/html.dict). */
#include "html/html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
static const char plain_of[] = {'&', '<', '>', '"', '\''};

/* Check escaped text out[0..n) against the n input bytes in[0..inn): invariants and round trip. */
static void check_text(const char *out, size_t n, const uint8_t *in, size_t inn)
{
    size_t j = 0; /* position in the input */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)out[i];
        if (c == '<' || c == '>' || c == '"' || c == '\'' || c == 0) abort();
        if (c == '&') {
            size_t k = 0;
            while (k < 5 && strncmp(out + i, entities[k], strlen(entities[k])) != 0)
                k++;
            if (k == 5) abort(); /* a bare & */
            if (j >= inn || in[j] != (uint8_t)plain_of[k]) abort();
            i += strlen(entities[k]);
            j++;
        } else if (j < inn && in[j] == 0) {
            if (n - i < 3 || memcmp(out + i, "\xEF\xBF\xBD", 3) != 0) abort();
            i += 3;
            j++;
        } else {
            if (j >= inn || in[j] != c) abort();
            i++;
            j++;
        }
    }
    if (j != inn) abort();
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1; /* lower case is not what html_url writes */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    size_t slen = strlen(s);
    size_t len;

    /* html_text: the string up to its first NUL. */
    struct html h = {.b = BUF_INIT};
    html_text(&h, s);
    char *out = html_steal(&h, &len);
    if (strlen(out) != len) abort();
    check_text(out, len, data, slen);
    free(out);

    /* html_textn: all n bytes, NULs included. */
    h = (struct html){.b = BUF_INIT};
    html_textn(&h, (const char *)data, size);
    out = html_steal(&h, &len);
    if (strlen(out) != len) abort();
    check_text(out, len, data, size);
    free(out);

    /* html_attr: ` v="…"` with nothing raw between the quotes. */
    h = (struct html){.b = BUF_INIT};
    html_attr(&h, "v", s);
    out = html_steal(&h, &len);
    if (len < 5 || memcmp(out, " v=\"", 4) != 0 || out[len - 1] != '"') abort();
    check_text(out + 4, len - 5, data, slen);
    free(out);

    /* html_url: the unreserved set and %XX only; decodes back to the input. */
    h = (struct html){.b = BUF_INIT};
    html_url(&h, s);
    out = html_steal(&h, &len);
    size_t j = 0;
    for (size_t i = 0; i < len; j++) {
        unsigned char c = (unsigned char)out[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\'') abort();
        if (c == '%') {
            if (len - i < 3 || hexval(out[i + 1]) < 0 || hexval(out[i + 2]) < 0) abort();
            unsigned v = (unsigned)(hexval(out[i + 1]) * 16 + hexval(out[i + 2]));
            if (j >= slen || (unsigned char)s[j] != v) abort();
            i += 3;
        } else {
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '.' || c == '_' || c == '~'))
                abort();
            if (j >= slen || (unsigned char)s[j] != c) abort();
            i++;
        }
    }
    if (j != slen) abort();
    free(out);

    /* NULL writes nothing. */
    h = (struct html){.b = BUF_INIT};
    html_text(&h, NULL);
    html_url(&h, NULL);
    out = html_steal(&h, &len);
    if (len != 0) abort();
    free(out);
    free(s);
    return 0;
}
