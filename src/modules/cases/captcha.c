/* A CAPTCHA that needs no outside service. The server draws "a + b = ?" as an SVG with jittered glyphs and
 * noise lines, and hands out a token: version | expiry | nonce | MAC(key, "t"…) | MAC(key, "a"… | answer).
 * The first MAC proves the token is ours and unaltered, the second binds the answer without revealing it.
 * The key is random per server start (tokens live 10 minutes, so a restart only costs a reload). Tokens are
 * single use: captcha_check records each authentic, unexpired token in captcha_used before judging the
 * answer, so one token cannot be tried twice.
 *
 * TUOYU_CAPTCHA_FIXED=<digits> (tests only) makes every challenge's answer those digits; the serve command
 * warns about it and refuses it unless listening on loopback (captcha_startup_check). */
#include "modules/cases/cases.h"

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_VERSION 1
#define BODY_BYTES    (1 + 8 + 16)
#define TOKEN_BYTES   (BODY_BYTES + 2 * crypto_auth_hmacsha256_BYTES)
#define ANSWER_MAX    8

/* ---- Tokens (pure) ----------------------------------------------------------------------------------------
 */

static void mac(const unsigned char key[CAPTCHA_KEY_BYTES], char tag, const unsigned char *body,
                const char *answer, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, CAPTCHA_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)&tag, 1);
    crypto_auth_hmacsha256_update(&st, body, BODY_BYTES);
    if (answer) crypto_auth_hmacsha256_update(&st, (const unsigned char *)answer, strlen(answer));
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* The answer as typed, reduced to its digits (spaces around it ignored); false when anything else is in it
 * or it is empty or too long. */
static bool normalise_answer(const char *in, char out[ANSWER_MAX + 1])
{
    size_t n = 0;
    if (!in) return false;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '\t') continue;
        if (*p < '0' || *p > '9' || n >= ANSWER_MAX) return false;
        out[n++] = *p;
    }
    out[n] = 0;
    /* Leading zeros say the same number: "084" is 84. */
    size_t z = 0;
    while (z + 1 < n && out[z] == '0')
        z++;
    memmove(out, out + z, n - z + 1);
    return n > 0;
}

char *captcha_token_make(struct arena *a, const unsigned char key[CAPTCHA_KEY_BYTES], const char *answer,
                         int64_t now, const unsigned char nonce[16])
{
    unsigned char t[TOKEN_BYTES];
    char ans[ANSWER_MAX + 1];
    if (!normalise_answer(answer, ans)) ans[0] = 0;
    uint64_t exp = (uint64_t)(now + CAPTCHA_TTL_S);
    t[0] = TOKEN_VERSION;
    for (int i = 0; i < 8; i++)
        t[1 + i] = (unsigned char)(exp >> (56 - 8 * i));
    memcpy(t + 9, nonce, 16);
    mac(key, 't', t, NULL, t + BODY_BYTES);
    mac(key, 'a', t, ans, t + BODY_BYTES + crypto_auth_hmacsha256_BYTES);
    size_t len = sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, len);
    sodium_bin2base64(out, len, t, TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

enum captcha_result captcha_verify(const unsigned char key[CAPTCHA_KEY_BYTES], const char *token,
                                   const char *answer, int64_t now, captcha_consume_fn consume, void *ctx)
{
    unsigned char t[TOKEN_BYTES + 1], m[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    if (!token || strlen(token) > 200) return CAPTCHA_TAMPERED;
    if (sodium_base642bin(t, sizeof t, token, strlen(token), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != TOKEN_BYTES || t[0] != TOKEN_VERSION)
        return CAPTCHA_TAMPERED;
    mac(key, 't', t, NULL, m);
    if (crypto_verify_32(m, t + BODY_BYTES) != 0) return CAPTCHA_TAMPERED;
    uint64_t exp = 0;
    for (int i = 0; i < 8; i++)
        exp = exp << 8 | t[1 + i];
    if ((int64_t)exp < now) return CAPTCHA_EXPIRED;
    char id[2 * crypto_auth_hmacsha256_BYTES + 1];
    sodium_bin2hex(id, sizeof id, t + BODY_BYTES, crypto_auth_hmacsha256_BYTES);
    /* Consumed before the answer is judged: a wrong guess spends the token too. */
    if (consume && !consume(id, (int64_t)exp, ctx)) return CAPTCHA_REUSED;
    char ans[ANSWER_MAX + 1];
    if (!normalise_answer(answer, ans)) return CAPTCHA_WRONG;
    mac(key, 'a', t, ans, m);
    return crypto_verify_32(m, t + BODY_BYTES + crypto_auth_hmacsha256_BYTES) == 0 ? CAPTCHA_OK
                                                                                   : CAPTCHA_WRONG;
}

/* ---- The picture (pure)
 * ------------------------------------------------------------------------------------ */

/* xorshift64* from the seed: the noise need not be cryptographic, only unpredictable per challenge. */
struct rng {
    uint64_t s;
};
static unsigned rnd(struct rng *g, unsigned n)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return n ? (unsigned)((g->s * 0x2545F4914F6CDD1DULL) >> 33) % n : 0;
}

/* Text content for XML: the glyphs are digits and operators we chose, but escape anyway. */
static void xml_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        default:
            buf_addc(b, *s);
        }
    }
}

char *captcha_svg(struct arena *a, int64_t x, int64_t y, const unsigned char seed[32])
{
    static const char *const colours[] = {"#1d3557", "#6a040f", "#283618", "#3c096c", "#7f4f24"};
    struct rng g = {0x9E3779B97F4A7C15ULL};
    for (int i = 0; i < 32; i++)
        g.s = (g.s ^ seed[i]) * 0x100000001B3ULL;
    if (!g.s) g.s = 1;
    char expr[64];
    snprintf(expr, sizeof expr, "%lld+%lld=?", (long long)x, (long long)y);
    size_t n = strlen(expr);
    int w = 24 + 18 * (int)n, h = 56;
    struct buf b = BUF_INIT;
    buf_printf(&b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">"
               "<rect width=\"%d\" height=\"%d\" fill=\"#f4f1ea\"/>",
               w, h, w, h, w, h);
    for (int i = 0; i < 40; i++)
        buf_printf(&b, "<circle cx=\"%u\" cy=\"%u\" r=\"%u\" fill=\"#%06x\"/>", rnd(&g, (unsigned)w),
                   rnd(&g, (unsigned)h), 1 + rnd(&g, 2), 0x808080 + rnd(&g, 0x7f7f7f));
    for (size_t i = 0; i < n; i++) {
        char glyph[2] = {expr[i], 0};
        int gx = 14 + 18 * (int)i + (int)rnd(&g, 5) - 2, gy = 36 + (int)rnd(&g, 9) - 4;
        int rot = (int)rnd(&g, 41) - 20;
        buf_printf(&b,
                   "<text x=\"%d\" y=\"%d\" transform=\"rotate(%d %d %d)\" font-family=\"monospace\" "
                   "font-size=\"%u\" font-weight=\"bold\" fill=\"%s\">",
                   gx, gy, rot, gx, gy, 24 + rnd(&g, 6), colours[rnd(&g, 5)]);
        xml_text(&b, glyph);
        buf_adds(&b, "</text>");
    }
    for (int i = 0; i < 6; i++)
        buf_printf(&b,
                   "<path d=\"M%u %u Q%u %u %u %u\" stroke=\"%s\" stroke-width=\"%u\" fill=\"none\" "
                   "opacity=\"0.7\"/>",
                   rnd(&g, (unsigned)w), rnd(&g, (unsigned)h), rnd(&g, (unsigned)w), rnd(&g, (unsigned)h),
                   rnd(&g, (unsigned)w), rnd(&g, (unsigned)h), colours[rnd(&g, 5)], 1 + rnd(&g, 2));
    buf_adds(&b, "</svg>");
    size_t len;
    char *heap = buf_steal(&b, &len);
    char *out = arena_strndup(a, heap ? heap : "", heap ? len : 0);
    free(heap);
    return out;
}

/* ---- The server's challenges
 * --------------------------------------------------------------------------------- */

static unsigned char server_key[CAPTCHA_KEY_BYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void key_init(void)
{
    if (sodium_init() < 0) abort(); /* auth_init has done it already; this cannot fail afterwards */
    randombytes_buf(server_key, sizeof server_key);
}

/* Set by captcha_startup_check once it has accepted TUOYU_CAPTCHA_FIXED (before the threads start): a process
 * that never ran the check (or was refused) never serves fixed answers. */
static bool fixed_allowed;

/* The fixed answer of test servers, or -1. */
static int64_t fixed_answer(void)
{
    const char *f = getenv("TUOYU_CAPTCHA_FIXED");
    if (!f || !*f || strlen(f) > 6 || strspn(f, "0123456789") != strlen(f)) return -1;
    return strtoll(f, NULL, 10);
}

void captcha_new(struct arena *a, struct captcha_challenge *out)
{
    pthread_once(&key_once, key_init);
    int64_t x, y, fixed = fixed_allowed ? fixed_answer() : -1;
    if (fixed >= 0) {
        y = fixed >= 2 ? 1 + (int64_t)randombytes_uniform((uint32_t)(fixed - 1 < 98 ? fixed - 1 : 98)) : 0;
        x = fixed - y;
    } else {
        x = 100 + (int64_t)randombytes_uniform(800);
        y = 10 + (int64_t)randombytes_uniform(90);
    }
    char answer[24];
    snprintf(answer, sizeof answer, "%lld", (long long)(x + y));
    unsigned char nonce[16], seed[32];
    randombytes_buf(nonce, sizeof nonce);
    randombytes_buf(seed, sizeof seed);
    int64_t now = clock_now();
    out->token = captcha_token_make(a, server_key, answer, now, nonce);
    out->svg = captcha_svg(a, x, y, seed);
    out->expires_at = now + CAPTCHA_TTL_S;
    size_t n = strlen(out->svg);
    size_t blen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = arena_alloc(a, blen);
    sodium_bin2base64(b64, blen, (const unsigned char *)out->svg, n, sodium_base64_VARIANT_ORIGINAL);
    out->data_uri = arena_printf(a, "data:image/svg+xml;base64,%s", b64);
}

enum captcha_result captcha_verify_server(const char *token, const char *answer, captcha_consume_fn consume,
                                          void *ctx)
{
    pthread_once(&key_once, key_init);
    return captcha_verify(server_key, token, answer, clock_now(), consume, ctx);
}

const char *captcha_result_zh(enum captcha_result r)
{
    switch (r) {
    case CAPTCHA_OK:
        return "正确";
    case CAPTCHA_WRONG:
        return "验证码答案不正确，请重新计算新的算式";
    case CAPTCHA_EXPIRED:
        return "验证码已过期（10 分钟有效），请使用新的验证码";
    case CAPTCHA_REUSED:
        return "验证码已使用过，请使用新的验证码";
    case CAPTCHA_TAMPERED:
    default:
        return "验证码无效，请使用新的验证码";
    }
}

static bool listen_is_loopback(const char *listen)
{
    return listen && (strncmp(listen, "127.", 4) == 0 || strncmp(listen, "[::1]:", 6) == 0 ||
                      strncmp(listen, "localhost:", 10) == 0);
}

enum err captcha_startup_check(const char *listen)
{
    const char *f = getenv("TUOYU_CAPTCHA_FIXED");
    if (!f || !*f) return OK;
    if (!listen_is_loopback(listen)) {
        log_msg(LOG_ERROR, "TUOYU_CAPTCHA_FIXED is for tests only and needs a loopback --listen address");
        return ERR_BAD_REQUEST;
    }
    if (fixed_answer() < 0) {
        log_msg(LOG_ERROR, "TUOYU_CAPTCHA_FIXED must be 1 to 6 digits");
        return ERR_BAD_REQUEST;
    }
    log_msg(LOG_WARN, "TUOYU_CAPTCHA_FIXED is set: every CAPTCHA has a known answer (tests only)");
    fixed_allowed = true;
    return OK;
}
