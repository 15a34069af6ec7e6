#include "json/jw.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void jw_init(struct jw *w, struct buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->first[0] = true;
}

/* Before any value or key: the comma that separates it from the previous one at this level. */
static void sep(struct jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth]) buf_addc(w->b, ',');
    w->first[w->depth] = false;
}

static void level_open(struct jw *w, char c)
{
    sep(w);
    assert(w->depth < JW_MAX_DEPTH);
    buf_addc(w->b, c);
    w->first[++w->depth] = true;
}

static void level_close(struct jw *w, char c)
{
    assert(w->depth > 0);
    w->depth--;
    buf_addc(w->b, c);
}

void jw_obj_begin(struct jw *w)
{
    level_open(w, '{');
}

void jw_obj_end(struct jw *w)
{
    level_close(w, '}');
}

void jw_arr_begin(struct jw *w)
{
    level_open(w, '[');
}

void jw_arr_end(struct jw *w)
{
    level_close(w, ']');
}

/* Length of the valid UTF-8 sequence at p (at most n bytes available), 0 when it is not one: overlong forms,
 * surrogates and code points above U+10FFFF are refused, as jansson refuses them. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static void put_string(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    buf_addc(b, '"');
    size_t run = 0; /* bytes copied verbatim are gathered and added at once */
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char u[8];
        size_t len = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c < 0x20) {
            switch (c) {
            case '\n':
                esc = "\\n";
                break;
            case '\r':
                esc = "\\r";
                break;
            case '\t':
                esc = "\\t";
                break;
            case '\b':
                esc = "\\b";
                break;
            case '\f':
                esc = "\\f";
                break;
            default:
                snprintf(u, sizeof u, "\\u%04X", c);
                esc = u;
            }
        } else if (c >= 0x80) {
            len = utf8_len(p + i, n - i);
            if (!len) {
                esc = "\xEF\xBF\xBD"; /* U+FFFD for one bad byte */
                len = 1;
            }
        }
        if (esc) {
            buf_add(b, p + i - run, run);
            run = 0;
            buf_adds(b, esc);
        } else {
            run += len;
        }
        i += len;
    }
    buf_add(b, p + n - run, run);
    buf_addc(b, '"');
}

void jw_key(struct jw *w, const char *key)
{
    sep(w);
    put_string(w->b, key);
    buf_addc(w->b, ':');
    w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
    sep(w);
    if (s)
        put_string(w->b, s);
    else
        buf_adds(w->b, "null");
}

void jw_int(struct jw *w, int64_t v)
{
    sep(w);
    char t[24];
    int n = snprintf(t, sizeof t, "%" PRId64, v);
    buf_add(w->b, t, (size_t)n);
}

void jw_real(struct jw *w, double v)
{
    sep(w);
    if (!isfinite(v)) {
        buf_adds(w->b, "null");
        return;
    }
    char t[40];
    int n = snprintf(t, sizeof t, "%.10g", v);
    /* As jansson writes it, so that both writers agree byte for byte: ".0" on a real that prints like an
     * integer, and an exponent without "+" or leading zeros ("1e+07" → "1e7"). */
    char *e = strchr(t, 'e');
    if (e) {
        char *d = e + 1, *s = d;
        if (*s == '-') *d++ = *s++;
        if (*s == '+') s++;
        while (*s == '0' && s[1])
            s++;
        memmove(d, s, strlen(s) + 1);
        n = (int)strlen(t);
    } else if (!strchr(t, '.')) {
        t[n++] = '.';
        t[n++] = '0';
    }
    buf_add(w->b, t, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
    sep(w);
    buf_adds(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    sep(w);
    buf_adds(w->b, "null");
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s);
}

void jw_kint(struct jw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    jw_int(w, v);
}

void jw_kreal(struct jw *w, const char *key, double v)
{
    jw_key(w, key);
    jw_real(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *key)
{
    jw_key(w, key);
    jw_null(w);
}
