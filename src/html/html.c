#include "html/html.h"

#include "core/clock.h"

#include <inttypes.h>
#include <string.h>

/* Append n bytes of markup. Only reachable through html_lit, whose macro admits string literals only. */
void html_lit_(struct html *h, const char *s, size_t n)
{
    buf_add(&h->b, s, n);
}

/* The replacement for one byte in text or a quoted attribute, or NULL when it is safe as it is. Escaping
 * both quotes lets the same routine serve element content and attribute values. NUL becomes U+FFFD, which
 * is what a browser would show, so no raw NUL ever reaches a page. */
static const char *escape_of(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case 0:
        return "\xEF\xBF\xBD";
    }
    return NULL;
}

/* Append n bytes of s as text content, escaping & < > " ' . s may hold NUL bytes; they are replaced. */
void html_textn(struct html *h, const char *s, size_t n)
{
    size_t run = 0; /* start of the pending stretch of safe bytes */
    if (!s) return;
    for (size_t i = 0; i < n; i++) {
        const char *e = escape_of((unsigned char)s[i]);
        if (!e) continue;
        buf_add(&h->b, s + run, i - run);
        buf_adds(&h->b, e);
        run = i + 1;
    }
    buf_add(&h->b, s + run, n - run);
}

/* Append the NUL-terminated s as escaped text content; NULL writes nothing. */
void html_text(struct html *h, const char *s)
{
    if (s) html_textn(h, s, strlen(s));
}

/* Append the literal prefix (` name="`), value escaped for a double-quoted attribute (NULL as empty), and
 * the closing quote. Called through html_attr, which builds prefix from literals. */
void html_attr_(struct html *h, const char *prefix, size_t prefix_len, const char *value)
{
    buf_add(&h->b, prefix, prefix_len);
    html_text(h, value);
    buf_addc(&h->b, '"');
}

/* Append s percent-encoded as a URL component: every byte but the RFC 3986 unreserved set becomes %XX with
 * upper-case hex, so the output contains no character that is special in HTML or in a URL (no ':' either,
 * so "javascript:" cannot become a scheme). NULL writes nothing. */
void html_url(struct html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~') {
            buf_addc(&h->b, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(&h->b, enc, sizeof enc);
        }
    }
}

/* Append v in decimal. */
void html_int(struct html *h, int64_t v)
{
    buf_printf(&h->b, "%" PRId64, v);
}

/* Append fen as yuan with two decimals: 123456 → "1234.56", -1 → "-0.01". Works for INT64_MIN too. */
void html_yuan(struct html *h, int64_t fen)
{
    /* The magnitude in unsigned arithmetic, where negating INT64_MIN is defined. */
    uint64_t u = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
    buf_printf(&h->b, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", u / 100, (unsigned)(u % 100));
}

/* Append a day count (days since 1970-01-01) as YYYY-MM-DD. */
void html_date(struct html *h, int64_t days)
{
    char out[11];
    buf_adds(&h->b, date_format(days, out));
}

/* Append epoch seconds t as "YYYY-MM-DD HH:MM" in China Standard Time (UTC+8), computed without the C
 * library's time zone state so it does not depend on TZ and is thread-safe. */
void html_time(struct html *h, int64_t t)
{
    int64_t day = clock_day_of(t);
    int64_t sec = t + 8 * 3600 - day * 86400; /* seconds into the CST day, 0..86399 */
    int y, m, d;
    days_to_date(day, &y, &m, &d);
    buf_printf(&h->b, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(sec / 3600), (int)(sec % 3600 / 60));
}

/* Hand the page to the caller, who frees it with free(); *len (if non-NULL) gets its length. Never NULL.
 * h is left empty and may be reused. */
char *html_steal(struct html *h, size_t *len)
{
    return buf_steal(&h->b, len);
}

/* Release whatever h holds; h may be reused. */
void html_free(struct html *h)
{
    buf_free(&h->b);
}
